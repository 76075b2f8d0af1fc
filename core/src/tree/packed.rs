//! A checked tree in a compact binary form, for the built-in tree the
//! widget compiles in: the build reads and checks the JSON
//! ([`Tree::from_json`]) and packs the result ([`pack`]); the widget only
//! unpacks it ([`unpack`]), so its first step needs neither a JSON reader
//! nor the tree's checks (they ran at build, and fail the build).
//!
//! The form: unsigned numbers as LEB128, texts as a length and UTF-8,
//! lists as a count and their items, an absent value as 0 and a present
//! one as 1 and the value, enums as their index in `ALL`, nodes in their
//! order, a copy as its author wrote it (filled in again when unpacked).
//! The path tests are left out (they ran at build). A form this version
//! cannot read is `None`.

use std::collections::BTreeMap;

use super::{
    Answer, Fix, KnownAnswer, Localized, Node, NodeId, Note, Outcome, OutcomeKind, Question, Risk,
    Route, RouteCondition, SpeedTest, Tree, ValidTree,
};

/// Marks the form's first byte; a new form takes a new one.
const VERSION: u8 = 1;

/// `tree` in the packed form.
pub fn pack(tree: &ValidTree) -> Vec<u8> {
    let mut out = Packer(vec![VERSION]);
    let tree = tree.tree();
    out.uint(tree.format);
    out.text(&tree.id);
    out.text(&tree.revision);
    out.list(&tree.langs, |out, lang| out.text(lang));
    out.id(&tree.start);
    // Each copy as written: its original's texts are packed once.
    out.list(&tree.nodes, |out, node| {
        out.node(&super::copies::as_written(node))
    });
    out.0
}

/// The tree `bytes` packs, or `None` if they are not one.
pub fn unpack(bytes: &[u8]) -> Option<ValidTree> {
    let mut input = Unpacker { bytes, at: 0 };
    if input.byte()? != VERSION {
        return None;
    }
    let tree = Tree {
        format: input.uint()?,
        id: input.text()?,
        revision: input.text()?,
        langs: input.list(Unpacker::text)?,
        start: input.id()?,
        nodes: input.list(Unpacker::node)?,
        tests: Vec::new(),
    };
    (input.at == bytes.len()).then(|| ValidTree::new(tree, Vec::new()))
}

struct Packer(Vec<u8>);

impl Packer {
    fn uint(&mut self, mut n: u64) {
        loop {
            let low = (n & 0x7f) as u8;
            n >>= 7;
            if n == 0 {
                self.0.push(low);
                return;
            }
            self.0.push(low | 0x80);
        }
    }

    fn flag(&mut self, on: bool) {
        self.0.push(u8::from(on));
    }

    fn text(&mut self, s: &str) {
        self.uint(s.len() as u64);
        self.0.extend_from_slice(s.as_bytes());
    }

    fn id(&mut self, id: &NodeId) {
        self.text(id.as_str());
    }

    fn list<T>(&mut self, items: &[T], mut each: impl FnMut(&mut Self, &T)) {
        self.uint(items.len() as u64);
        for item in items {
            each(self, item);
        }
    }

    fn option<T>(&mut self, value: Option<&T>, each: impl FnOnce(&mut Self, &T)) {
        self.flag(value.is_some());
        if let Some(value) = value {
            each(self, value);
        }
    }

    fn index<T: PartialEq>(&mut self, all: &[T], value: &T) {
        let at = all.iter().position(|v| v == value).unwrap_or_default();
        self.uint(at as u64);
    }

    fn localized(&mut self, text: &Localized) {
        self.uint(text.0.len() as u64);
        for (lang, text) in &text.0 {
            self.text(lang);
            self.text(text);
        }
    }

    fn notes(&mut self, notes: &[Note]) {
        self.list(notes, |out, note| {
            out.localized(&note.text);
            out.list(&note.if_done, Packer::id);
            out.list(&note.unless_done, Packer::id);
        });
    }

    fn node(&mut self, node: &Node) {
        match node {
            Node::Question(q) => {
                self.0.push(0);
                self.head(&q.id, q.copy_of.as_ref(), &q.title, q.body.as_ref());
                self.option(q.fact.as_ref(), |out, fact| out.text(fact));
                self.flag(q.safety_check);
                self.list(&q.answers, |out, a| {
                    out.localized(&a.label);
                    out.id(&a.next);
                });
                self.list(&q.known, |out, k| {
                    out.index(&RouteCondition::ALL, &k.when);
                    out.uint(k.answer as u64);
                });
            }
            Node::Fix(f) => {
                self.0.push(1);
                self.head(&f.id, f.copy_of.as_ref(), &f.title, f.body.as_ref());
                self.option(f.warning.as_ref(), Packer::localized);
                self.option(f.confirm.as_ref(), Packer::localized);
                self.option(f.risk.as_ref(), |out, risk| out.index(&Risk::ALL, risk));
                self.flag(f.safety_check);
                self.notes(&f.notes);
                self.id(&f.fixed);
                self.id(&f.next);
            }
            Node::SpeedTest(s) => {
                self.0.push(2);
                self.head(&s.id, s.copy_of.as_ref(), &s.title, s.body.as_ref());
                self.id(&s.next);
                self.list(&s.routes, |out, r| {
                    out.index(&RouteCondition::ALL, &r.when);
                    out.id(&r.next);
                });
            }
            Node::Outcome(o) => {
                self.0.push(3);
                self.id(&o.id);
                self.index(&OutcomeKind::ALL, &o.outcome);
                self.localized(&o.title);
                self.option(o.body.as_ref(), Packer::localized);
                self.notes(&o.notes);
            }
        }
    }

    /// What every node but an outcome starts with.
    fn head(
        &mut self,
        id: &NodeId,
        copy_of: Option<&NodeId>,
        title: &Localized,
        body: Option<&Localized>,
    ) {
        self.id(id);
        self.option(copy_of, Packer::id);
        self.localized(title);
        self.option(body, Packer::localized);
    }
}

struct Unpacker<'a> {
    bytes: &'a [u8],
    at: usize,
}

/// [`Unpacker::head`]: id, copy of, title, body.
type Head = (NodeId, Option<NodeId>, Localized, Option<Localized>);

impl Unpacker<'_> {
    fn byte(&mut self) -> Option<u8> {
        let b = *self.bytes.get(self.at)?;
        self.at += 1;
        Some(b)
    }

    fn uint(&mut self) -> Option<u64> {
        let mut n = 0_u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            n |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Some(n);
            }
        }
        None
    }

    fn count(&mut self) -> Option<usize> {
        usize::try_from(self.uint()?).ok()
    }

    fn flag(&mut self) -> Option<bool> {
        match self.byte()? {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }

    fn text(&mut self) -> Option<String> {
        let len = self.count()?;
        let end = self.at.checked_add(len)?;
        let text = std::str::from_utf8(self.bytes.get(self.at..end)?).ok()?;
        self.at = end;
        Some(text.to_owned())
    }

    fn id(&mut self) -> Option<NodeId> {
        self.text().map(NodeId)
    }

    fn list<T>(&mut self, mut each: impl FnMut(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        let n = self.count()?;
        // Each item takes at least a byte: a count past the end is no list.
        if n > self.bytes.len() - self.at {
            return None;
        }
        (0..n).map(|_| each(self)).collect()
    }

    fn option<T>(&mut self, each: impl FnOnce(&mut Self) -> Option<T>) -> Option<Option<T>> {
        match self.flag()? {
            true => each(self).map(Some),
            false => Some(None),
        }
    }

    fn index<T: Copy>(&mut self, all: &[T]) -> Option<T> {
        all.get(self.count()?).copied()
    }

    fn localized(&mut self) -> Option<Localized> {
        let pairs = self.list(|input| Some((input.text()?, input.text()?)))?;
        Some(Localized(pairs.into_iter().collect::<BTreeMap<_, _>>()))
    }

    fn notes(&mut self) -> Option<Vec<Note>> {
        self.list(|input| {
            Some(Note {
                text: input.localized()?,
                if_done: input.list(Unpacker::id)?,
                unless_done: input.list(Unpacker::id)?,
            })
        })
    }

    fn head(&mut self) -> Option<Head> {
        Some((
            self.id()?,
            self.option(Unpacker::id)?,
            self.localized()?,
            self.option(Unpacker::localized)?,
        ))
    }

    fn node(&mut self) -> Option<Node> {
        Some(match self.byte()? {
            0 => {
                let (id, copy_of, title, body) = self.head()?;
                Node::Question(Question {
                    id,
                    copy_of,
                    title,
                    body,
                    fact: self.option(Unpacker::text)?,
                    safety_check: self.flag()?,
                    answers: self.list(|input| {
                        Some(Answer {
                            label: input.localized()?,
                            next: input.id()?,
                        })
                    })?,
                    known: self.list(|input| {
                        Some(KnownAnswer {
                            when: input.index(&RouteCondition::ALL)?,
                            answer: input.count()?,
                        })
                    })?,
                })
            }
            1 => {
                let (id, copy_of, title, body) = self.head()?;
                Node::Fix(Fix {
                    id,
                    copy_of,
                    title,
                    body,
                    warning: self.option(Unpacker::localized)?,
                    confirm: self.option(Unpacker::localized)?,
                    risk: self.option(|input| input.index(&Risk::ALL))?,
                    safety_check: self.flag()?,
                    notes: self.notes()?,
                    fixed: self.id()?,
                    next: self.id()?,
                })
            }
            2 => {
                let (id, copy_of, title, body) = self.head()?;
                Node::SpeedTest(SpeedTest {
                    id,
                    copy_of,
                    title,
                    body,
                    next: self.id()?,
                    routes: self.list(|input| {
                        Some(Route {
                            when: input.index(&RouteCondition::ALL)?,
                            next: input.id()?,
                        })
                    })?,
                })
            }
            3 => Node::Outcome(Outcome {
                id: self.id()?,
                outcome: self.index(&OutcomeKind::ALL)?,
                title: self.localized()?,
                body: self.option(Unpacker::localized)?,
                notes: self.notes()?,
            }),
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEFAULT_TREE: &str = include_str!("../../trees/default.json");

    #[test]
    fn the_default_tree_unpacks_to_the_tree_it_was_packed_from() {
        let checked = Tree::from_json(DEFAULT_TREE).expect("the default tree is valid");
        let packed = pack(&checked);
        let unpacked = unpack(&packed).expect("it unpacks");
        let mut expected = checked.tree().clone();
        expected.tests.clear();
        assert_eq!(unpacked.tree(), &expected);
        assert_eq!(unpacked.start().id(), checked.start().id());
        for node in &expected.nodes {
            assert_eq!(
                unpacked.steps_left(node.id()),
                checked.steps_left(node.id())
            );
        }
        assert!(
            packed.len() < DEFAULT_TREE.len(),
            "{} B packed",
            packed.len()
        );
    }

    #[test]
    fn anything_but_a_whole_packed_tree_is_refused() {
        let packed = pack(&Tree::from_json(DEFAULT_TREE).expect("valid"));
        assert!(unpack(&[]).is_none());
        assert!(unpack(&[VERSION + 1]).is_none());
        for cut in [1, 2, packed.len() / 2, packed.len() - 1] {
            assert!(unpack(&packed[..cut]).is_none(), "cut at {cut}");
        }
        let mut longer = packed.clone();
        longer.push(0);
        assert!(unpack(&longer).is_none());
    }

    #[test]
    fn numbers_take_as_many_bytes_as_they_need() {
        for n in [0, 1, 127, 128, 300, 16_384, u64::from(u32::MAX), u64::MAX] {
            let mut out = Packer(Vec::new());
            out.uint(n);
            let mut input = Unpacker {
                bytes: &out.0,
                at: 0,
            };
            assert_eq!(input.uint(), Some(n));
            assert_eq!(input.at, out.0.len());
        }
    }
}
