//! A JSON object of plain values (strings, numbers, `true`, `false`,
//! `null`; nothing nested), read without serde_json's deserializer: the
//! progress the widget saves for itself (`Session::to_saved`) is such an
//! object, and reading it is the only JSON the widget reads before its
//! first step. serde_json's reader (its `Value`, its number parser and the
//! derived field visitors) would be ~5 KB of the first load for it.

/// A value of a flat object; a number as it is written (checked to be a
/// JSON number), for the caller to read as the type it expects.
#[derive(Debug, Clone, PartialEq)]
pub enum Flat {
    Text(String),
    Number(String),
    Bool(bool),
    Null,
}

/// The members of the object `text` holds, in order, or what is wrong
/// with it (not JSON, not an object, a nested value, a key twice).
pub fn read_object(text: &str) -> Result<Vec<(String, Flat)>, String> {
    let mut input = Input {
        bytes: text.as_bytes(),
        at: 0,
    };
    input.expect(b'{')?;
    let mut members: Vec<(String, Flat)> = Vec::new();
    if input.peek() == Some(b'}') {
        input.at += 1;
    } else {
        loop {
            input.space();
            let key = input.string()?;
            if members.iter().any(|(k, _)| *k == key) {
                return Err(format!("\"{key}\" is given twice"));
            }
            input.expect(b':')?;
            let value = input.value()?;
            members.push((key, value));
            match input.next_token()? {
                b',' => continue,
                b'}' => break,
                other => return Err(input.unexpected(other)),
            }
        }
    }
    input.space();
    match input.bytes.get(input.at) {
        None => Ok(members),
        Some(&b) => Err(input.unexpected(b)),
    }
}

struct Input<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Input<'_> {
    fn space(&mut self) {
        while matches!(self.bytes.get(self.at), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    /// The next byte after white space, not taken.
    fn peek(&mut self) -> Option<u8> {
        self.space();
        self.bytes.get(self.at).copied()
    }

    /// The next byte after white space, taken.
    fn next_token(&mut self) -> Result<u8, String> {
        let b = self.peek().ok_or("the text ends too early")?;
        self.at += 1;
        Ok(b)
    }

    fn expect(&mut self, want: u8) -> Result<(), String> {
        match self.next_token()? {
            b if b == want => Ok(()),
            b => Err(self.unexpected(b)),
        }
    }

    fn unexpected(&self, b: u8) -> String {
        format!("unexpected {:?} at byte {}", char::from(b), self.at)
    }

    fn value(&mut self) -> Result<Flat, String> {
        match self.peek().ok_or("the text ends too early")? {
            b'"' => self.string().map(Flat::Text),
            b'-' | b'0'..=b'9' => self.number().map(Flat::Number),
            b't' => self.word("true", Flat::Bool(true)),
            b'f' => self.word("false", Flat::Bool(false)),
            b'n' => self.word("null", Flat::Null),
            b'{' | b'[' => Err(format!("a nested value at byte {}", self.at)),
            b => Err(self.unexpected(b)),
        }
    }

    fn word(&mut self, word: &str, value: Flat) -> Result<Flat, String> {
        if self.bytes[self.at..].starts_with(word.as_bytes()) {
            self.at += word.len();
            Ok(value)
        } else {
            Err(format!("not JSON at byte {}", self.at))
        }
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, as written.
    fn number(&mut self) -> Result<String, String> {
        let start = self.at;
        let digits = |input: &mut Self| {
            let from = input.at;
            while matches!(input.bytes.get(input.at), Some(b'0'..=b'9')) {
                input.at += 1;
            }
            input.at - from
        };
        if self.bytes.get(self.at) == Some(&b'-') {
            self.at += 1;
        }
        let leading_zero = self.bytes.get(self.at) == Some(&b'0');
        let whole = digits(self);
        let mut ok = whole > 0 && !(leading_zero && whole > 1);
        if self.bytes.get(self.at) == Some(&b'.') {
            self.at += 1;
            ok &= digits(self) > 0;
        }
        if matches!(self.bytes.get(self.at), Some(b'e' | b'E')) {
            self.at += 1;
            if matches!(self.bytes.get(self.at), Some(b'+' | b'-')) {
                self.at += 1;
            }
            ok &= digits(self) > 0;
        }
        let text = std::str::from_utf8(&self.bytes[start..self.at]).unwrap_or_default();
        if ok {
            Ok(text.to_owned())
        } else {
            Err(format!("{text:?} is not a number"))
        }
    }

    fn string(&mut self) -> Result<String, String> {
        self.expect(b'"')?;
        let mut out: Vec<u8> = Vec::new();
        loop {
            let b = *self.bytes.get(self.at).ok_or("a text is not closed")?;
            self.at += 1;
            match b {
                b'"' => break,
                b'\\' => {
                    let escaped = *self.bytes.get(self.at).ok_or("a text is not closed")?;
                    self.at += 1;
                    let plain = match escaped {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => self.escaped_char()?,
                        other => return Err(format!("\\{} is not an escape", char::from(other))),
                    };
                    let mut buf = [0; 4];
                    out.extend_from_slice(plain.encode_utf8(&mut buf).as_bytes());
                }
                0..=0x1f => return Err(format!("a control character at byte {}", self.at - 1)),
                _ => out.push(b),
            }
        }
        // The input is a `str` and escapes add whole characters.
        String::from_utf8(out).map_err(|_| "a text is not UTF-8".to_owned())
    }

    /// The character of `\uXXXX` (just read: the `u`), with its low
    /// surrogate's `\uXXXX` if it is a high one.
    fn escaped_char(&mut self) -> Result<char, String> {
        let high = self.hex4()?;
        let code = if (0xd800..0xdc00).contains(&high) {
            if !self.bytes[self.at..].starts_with(b"\\u") {
                return Err("a lone surrogate".to_owned());
            }
            self.at += 2;
            let low = self.hex4()?;
            if !(0xdc00..0xe000).contains(&low) {
                return Err("a lone surrogate".to_owned());
            }
            0x10000 + ((high - 0xd800) << 10) + (low - 0xdc00)
        } else {
            high
        };
        char::from_u32(code).ok_or_else(|| "a lone surrogate".to_owned())
    }

    fn hex4(&mut self) -> Result<u32, String> {
        let hex = self
            .bytes
            .get(self.at..self.at + 4)
            .and_then(|h| std::str::from_utf8(h).ok())
            .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or("a \\u escape needs four hex digits")?;
        self.at += 4;
        u32::from_str_radix(hex, 16).map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Flat {
        Flat::Text(s.to_owned())
    }

    #[test]
    fn reads_what_serde_json_writes() {
        let tricky = [
            "",
            "plain",
            "quote \" and backslash \\ and slash /",
            "tab\tnew line\ncarriage\rbell\u{7}\u{1f}",
            "é ü 中文 العربية",
            "emoji 😀 and U+2028 \u{2028}",
        ];
        for s in tricky {
            let json = serde_json::json!({ "s": s, "n": 4.5, "i": 1_733_300_000_000_u64, "z": null, "t": true });
            let members = read_object(&json.to_string()).expect("reads");
            assert_eq!(
                members,
                [
                    ("i".to_owned(), Flat::Number("1733300000000".to_owned())),
                    ("n".to_owned(), Flat::Number("4.5".to_owned())),
                    ("s".to_owned(), text(s)),
                    ("t".to_owned(), Flat::Bool(true)),
                    ("z".to_owned(), Flat::Null),
                ],
                "{json}"
            );
        }
    }

    #[test]
    fn reads_escapes_and_white_space_a_person_or_another_writer_may_use() {
        let members =
            read_object(" {\n \"a\" : \"\\u00e9\\ud83d\\ude00\\/\" , \"b\":-0.5e+3 }\n").unwrap();
        assert_eq!(
            members,
            [
                ("a".to_owned(), text("é😀/")),
                ("b".to_owned(), Flat::Number("-0.5e+3".to_owned())),
            ]
        );
        assert_eq!(read_object("{}").unwrap(), []);
    }

    #[test]
    fn refuses_what_is_not_json_as_serde_json_does() {
        for bad in [
            "",
            "[]",
            "{",
            "{\"a\":1,}",
            "{\"a\" 1}",
            "{\"a\":01}",
            "{\"a\":1.}",
            "{\"a\":.5}",
            "{\"a\":1e}",
            "{\"a\":-}",
            "{\"a\":tru}",
            "{\"a\":\"x}",
            "{\"a\":\"\\x\"}",
            "{\"a\":\"\\ud800\"}",
            "{\"a\":\"\\udc00\"}",
            "{\"a\":\"\\u12\"}",
            "{\"a\":\"tab\there\"}",
            "{\"a\":1} x",
            "{a:1}",
        ] {
            assert!(!read_object(bad).expect_err(bad).is_empty(), "{bad}");
            assert!(
                serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(bad).is_err(),
                "serde_json agrees that {bad} is no JSON object"
            );
        }
    }

    #[test]
    fn refuses_nested_values_and_a_key_given_twice() {
        assert!(read_object("{\"a\":{}}").unwrap_err().contains("nested"));
        assert!(read_object("{\"a\":[1]}").unwrap_err().contains("nested"));
        assert!(read_object("{\"a\":1,\"a\":2}")
            .unwrap_err()
            .contains("twice"));
    }
}
