//! Where a JSON Pointer is in the text of a tree file: the byte range,
//! line and column an editor needs to put the cursor on a problem.
//!
//! Problems carry JSON Pointers (`/nodes/3/answers/1/next`) because the
//! checks work on parsed values, which have no positions. The studio needs
//! positions, so this module reads the text once more with a small scanner
//! of its own (serde_json keeps no spans) and records the places of the
//! pointers asked for. A pointer that does not exist in the text (a
//! missing field) falls back to its nearest existing parent, which is where
//! the author has to add it.

use std::collections::{HashMap, HashSet};

/// A place in the text: the value a pointer names, from its member name
/// when it is an object member (`"next": "x"` whole).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// Byte offset of the first character.
    pub start: usize,
    /// Byte offset just after the last character.
    pub end: usize,
    /// 1-based line of `start`.
    pub line: usize,
    /// 1-based column of `start`, in characters.
    pub column: usize,
    /// `start` in UTF-16 code units, as a browser's text field counts.
    pub start_utf16: usize,
    /// `end` in UTF-16 code units.
    pub end_utf16: usize,
}

/// The places of `pointers` in `json`, each falling back to its nearest
/// parent that exists. A pointer whose every parent is missing (only when
/// `json` is not JSON at all) is left out.
///
/// ```
/// use backup_doctor_core::tree::locate::locate;
/// let json = "{\n  \"nodes\": [\n    {\"id\": \"a\", \"next\": \"b\"}\n  ]\n}";
/// let spans = locate(json, ["/nodes/0/next", "/nodes/0/title"]);
/// assert_eq!(spans["/nodes/0/next"].line, 3);
/// assert_eq!(&json[spans["/nodes/0/next"].start..spans["/nodes/0/next"].end], "\"next\": \"b\"");
/// // A missing field points at the object it belongs in.
/// assert_eq!(spans["/nodes/0/title"].column, 5);
/// ```
pub fn locate<'a>(
    json: &str,
    pointers: impl IntoIterator<Item = &'a str>,
) -> HashMap<String, Span> {
    let asked: Vec<&str> = pointers.into_iter().collect();
    let mut wanted: HashSet<String> = HashSet::new();
    for pointer in &asked {
        let mut prefix = *pointer;
        loop {
            wanted.insert(prefix.to_owned());
            match prefix.rfind('/') {
                Some(cut) => prefix = &prefix[..cut],
                None => break,
            }
        }
    }
    let mut scanner = Scanner {
        text: json.as_bytes(),
        at: 0,
        depth: 0,
        path: String::new(),
        wanted: &wanted,
        found: HashMap::new(),
    };
    scanner.skip_space();
    scanner.value(None);
    let offsets = scanner.found;
    let mut ranges = Vec::new();
    for pointer in &asked {
        let mut prefix = *pointer;
        let range = loop {
            if let Some(range) = offsets.get(prefix) {
                break Some(*range);
            }
            match prefix.rfind('/') {
                Some(cut) => prefix = &prefix[..cut],
                None => break None,
            }
        };
        if let Some(range) = range {
            ranges.push(((*pointer).to_owned(), range));
        }
    }
    let places = Positions::new(json, ranges.iter().flat_map(|(_, (s, e))| [*s, *e]));
    ranges
        .into_iter()
        .map(|(pointer, (start, end))| (pointer, places.span(start, end)))
        .collect()
}

/// The place of a byte offset (a JSON syntax error's line and column turned
/// into a range for the cursor): the character at `line:column`.
pub fn at_line_column(json: &str, line: usize, column: usize) -> Span {
    let mut offset = 0;
    for (i, text) in json.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            let within = text
                .char_indices()
                .nth(column.saturating_sub(1))
                .map_or(text.len(), |(at, _)| at);
            offset += within;
            break;
        }
        offset += text.len();
    }
    let offset = offset.min(json.len());
    let end = json[offset..]
        .chars()
        .next()
        .map_or(offset, |c| offset + c.len_utf8());
    Positions::new(json, [offset, end]).span(offset, end)
}

/// Line starts, and the UTF-16 count at each offset asked for, found in
/// one pass over the text (counting from the start for every place would
/// make a hundred problems in a large file take a visible moment).
struct Positions<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
    utf16: HashMap<usize, usize>,
}

impl<'a> Positions<'a> {
    fn new(text: &'a str, offsets: impl IntoIterator<Item = usize>) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        let mut wanted: Vec<usize> = offsets.into_iter().collect();
        wanted.sort_unstable();
        wanted.dedup();
        let mut utf16 = HashMap::with_capacity(wanted.len());
        let mut units = 0;
        let mut next = wanted.iter().peekable();
        for (at, c) in text
            .char_indices()
            .chain(std::iter::once((text.len(), ' ')))
        {
            while next.next_if(|&&w| w <= at).is_some_and(|&w| {
                utf16.insert(w, units);
                true
            }) {}
            if next.peek().is_none() {
                break;
            }
            units += c.len_utf16();
        }
        Positions {
            text,
            line_starts,
            utf16,
        }
    }

    fn span(&self, start: usize, end: usize) -> Span {
        let line = self.line_starts.partition_point(|&s| s <= start);
        let line_start = self.line_starts[line - 1];
        Span {
            start,
            end,
            line,
            column: self
                .text
                .get(line_start..start)
                .map_or(1, |s| s.chars().count() + 1),
            start_utf16: self.utf16.get(&start).copied().unwrap_or(0),
            end_utf16: self.utf16.get(&end).copied().unwrap_or(0),
        }
    }
}

/// serde_json's nesting limit: deeper text is not JSON to it either.
const MAX_DEPTH: usize = 128;

/// A forgiving JSON reader that records the byte ranges of wanted pointers
/// and stops quietly at the first syntax error (the checks report those).
struct Scanner<'t, 'w> {
    text: &'t [u8],
    at: usize,
    /// How many arrays and objects the value being read is inside.
    depth: usize,
    /// The pointer of the value being read.
    path: String,
    wanted: &'w HashSet<String>,
    found: HashMap<String, (usize, usize)>,
}

impl Scanner<'_, '_> {
    fn peek(&self) -> Option<u8> {
        self.text.get(self.at).copied()
    }

    fn skip_space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    /// Reads one value at `self.at`; `member_start` is where its member
    /// name began, when it is an object member. Returns false on a syntax
    /// error.
    fn value(&mut self, member_start: Option<usize>) -> bool {
        let start = self.at;
        // The reader recurses once per level: a pasted `[[[[…` must end in
        // "not JSON" (serde_json's own limit), not in a stack overflow.
        if self.depth >= MAX_DEPTH {
            return false;
        }
        let ok = match self.peek() {
            Some(b'{' | b'[') => {
                self.depth += 1;
                let ok = if self.peek() == Some(b'{') {
                    self.object()
                } else {
                    self.array()
                };
                self.depth -= 1;
                ok
            }
            Some(b'"') => self.string(),
            Some(_) => self.scalar(),
            None => false,
        };
        if ok && self.wanted.contains(&self.path) {
            self.found
                .insert(self.path.clone(), (member_start.unwrap_or(start), self.at));
        }
        ok
    }

    fn object(&mut self) -> bool {
        self.at += 1;
        self.skip_space();
        if self.peek() == Some(b'}') {
            self.at += 1;
            return true;
        }
        loop {
            self.skip_space();
            let key_start = self.at;
            if self.peek() != Some(b'"') || !self.string() {
                return false;
            }
            let key = decode_key(&self.text[key_start + 1..self.at - 1]);
            self.skip_space();
            if self.peek() != Some(b':') {
                return false;
            }
            self.at += 1;
            self.skip_space();
            let depth = self.path.len();
            self.path.push('/');
            self.path.push_str(&escape_token(&key));
            let ok = self.value(Some(key_start));
            self.path.truncate(depth);
            if !ok {
                return false;
            }
            self.skip_space();
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b'}') => {
                    self.at += 1;
                    return true;
                }
                _ => return false,
            }
        }
    }

    fn array(&mut self) -> bool {
        self.at += 1;
        self.skip_space();
        if self.peek() == Some(b']') {
            self.at += 1;
            return true;
        }
        let mut index = 0usize;
        loop {
            self.skip_space();
            let depth = self.path.len();
            self.path.push('/');
            self.path.push_str(&index.to_string());
            let ok = self.value(None);
            self.path.truncate(depth);
            if !ok {
                return false;
            }
            index += 1;
            self.skip_space();
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b']') => {
                    self.at += 1;
                    return true;
                }
                _ => return false,
            }
        }
    }

    fn string(&mut self) -> bool {
        self.at += 1;
        while let Some(byte) = self.peek() {
            self.at += 1;
            match byte {
                b'"' => return true,
                b'\\' => self.at += 1,
                _ => {}
            }
        }
        false
    }

    fn scalar(&mut self) -> bool {
        let start = self.at;
        while matches!(self.peek(), Some(b) if b.is_ascii_alphanumeric() || b"+-.".contains(&b)) {
            self.at += 1;
        }
        self.at > start
    }
}

/// A member name as JSON writes it, unescaped (the common escapes; a name
/// with others does not match any pointer the checks write).
fn decode_key(raw: &[u8]) -> String {
    let raw = String::from_utf8_lossy(raw);
    if !raw.contains('\\') {
        return raw.into_owned();
    }
    serde_json::from_str::<String>(&format!("\"{raw}\"")).unwrap_or_else(|_| raw.into_owned())
}

/// A member name as a JSON Pointer token (RFC 6901: `~` and `/` escaped).
fn escape_token(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "{\n  \"id\": \"t\",\n  \"nodes\": [\n    {\"id\": \"a\", \"answers\": [{\"label\": {\"en\": \"Ünïcode 😀\"}, \"next\": \"b\"}]},\n    {\"id\": \"b\", \"a/b\": 1}\n  ]\n}";

    #[test]
    fn a_member_is_found_from_its_name_to_the_end_of_its_value() {
        let spans = locate(FILE, ["/nodes/0/answers/0/next"]);
        let span = spans["/nodes/0/answers/0/next"];
        assert_eq!(&FILE[span.start..span.end], "\"next\": \"b\"");
        assert_eq!(span.line, 4);
        // Columns and UTF-16 offsets count characters, not bytes.
        let line = FILE.lines().nth(3).unwrap();
        let column = line[..line.find("\"next\"").unwrap()].chars().count() + 1;
        assert_eq!(span.column, column);
        let utf16: usize = FILE[..span.start].chars().map(char::len_utf16).sum();
        assert_eq!(span.start_utf16, utf16);
    }

    #[test]
    fn an_array_element_and_an_escaped_name_are_found() {
        let spans = locate(FILE, ["/nodes/1", "/nodes/1/a~1b"]);
        assert!(FILE[spans["/nodes/1"].start..].starts_with("{\"id\": \"b\""));
        assert_eq!(
            &FILE[spans["/nodes/1/a~1b"].start..spans["/nodes/1/a~1b"].end],
            "\"a/b\": 1"
        );
    }

    #[test]
    fn a_missing_field_falls_back_to_its_parent() {
        let spans = locate(FILE, ["/nodes/1/title", "/nodes/9/next", ""]);
        assert_eq!(spans["/nodes/1/title"].line, 5);
        assert_eq!(spans["/nodes/9/next"].line, 3, "the nodes list");
        assert_eq!(spans[""].start, 0);
    }

    #[test]
    fn broken_json_gives_what_was_read_before_the_break() {
        let spans = locate(
            "{\"id\": \"t\", \"nodes\": [ {\"id\": }",
            ["/id", "/nodes/0/id"],
        );
        assert_eq!(spans["/id"].start, 1);
        assert!(!spans.contains_key("/nodes/0/id"));
    }

    #[test]
    fn deep_nesting_stops_at_the_limit_without_overflowing_the_stack() {
        let deep = format!(
            "{{\"a\": {}{}}}",
            "[".repeat(1_000_000),
            "]".repeat(1_000_000)
        );
        let spans = locate(&deep, ["/a", ""]);
        assert!(spans.is_empty(), "nothing deeper than the limit is read");
        let fine = format!("{{\"a\": {}1{}}}", "[".repeat(100), "]".repeat(100));
        assert_eq!(locate(&fine, ["/a"])["/a"].start, 1);
    }

    #[test]
    fn a_syntax_error_line_and_column_become_a_place() {
        let json = "{\n  \"a\": 1,\n  x\n}";
        let span = at_line_column(json, 3, 3);
        assert_eq!(&json[span.start..span.end], "x");
        assert_eq!((span.line, span.column), (3, 3));
        // Past the end is the end.
        assert_eq!(at_line_column(json, 9, 1).start, json.len());
    }
}
