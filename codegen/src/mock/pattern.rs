//! Strings that match a regular expression: the part of ECMA-262 that contracts use (literals,
//! escapes, classes, groups, alternation, quantifiers, anchors) parsed into a small tree, and a
//! string read off it. Assertions other than `^` and `$` (lookarounds, `\b`) and back-references
//! are not supported: such a pattern needs an example.

/// A parsed pattern: alternatives of sequences.
#[derive(Debug)]
struct Alternation(Vec<Vec<Quantified>>);

#[derive(Debug)]
struct Quantified {
    atom: Atom,
    min: usize,
    max: Option<usize>,
}

#[derive(Debug)]
enum Atom {
    /// One character of a set (a literal is a set of one).
    Class {
        ranges: Vec<(char, char)>,
        negated: bool,
    },
    Group(Alternation),
    /// `^` or `$`: matches no character.
    Anchor,
}

/// Strings that match `pattern`, shortest first: each quantifier repeats its minimum, then
/// `extra` more times (as far as its maximum lets it), for a few values of `extra`; the first
/// alternative of each alternation. `Err` says why the pattern cannot be read.
pub(super) fn candidates(pattern: &str) -> Result<Vec<String>, String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut parser = Parser { chars: &chars, at: 0 };
    let tree = parser.alternation()?;
    if parser.at < chars.len() {
        return Err(format!("unexpected `{}` at {}", chars[parser.at], parser.at));
    }
    let mut out: Vec<String> = Vec::new();
    for extra in [0, 1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 64] {
        let mut text = String::new();
        write(&tree, extra, &mut text);
        if !out.contains(&text) {
            out.push(text);
        }
    }
    Ok(out)
}

fn write(tree: &Alternation, extra: usize, out: &mut String) {
    let Some(first) = tree.0.first() else { return };
    for quantified in first {
        let count = match quantified.max {
            Some(max) => quantified.min + extra.min(max.saturating_sub(quantified.min)),
            None => quantified.min + extra,
        };
        for _ in 0..count {
            match &quantified.atom {
                Atom::Class { ranges, negated } => out.push(pick(ranges, *negated)),
                Atom::Group(inner) => write(inner, extra, out),
                Atom::Anchor => {}
            }
        }
    }
}

/// A readable character of a class: a letter or digit when the class has one.
fn pick(ranges: &[(char, char)], negated: bool) -> char {
    let inside = |c: char| ranges.iter().any(|(low, high)| (*low..=*high).contains(&c));
    let preferred = ('a'..='z').chain('0'..='9').chain('A'..='Z').chain(['-', '_', '.', ' ']);
    if negated {
        return preferred.clone().find(|c| !inside(*c)).unwrap_or('\u{a1}');
    }
    preferred.clone().find(|c| inside(*c)).or_else(|| ranges.first().map(|(low, _)| *low)).unwrap_or('a')
}

struct Parser<'a> {
    chars: &'a [char],
    at: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek();
        self.at += 1;
        c
    }

    fn alternation(&mut self) -> Result<Alternation, String> {
        let mut branches = vec![self.sequence()?];
        while self.peek() == Some('|') {
            self.at += 1;
            branches.push(self.sequence()?);
        }
        Ok(Alternation(branches))
    }

    fn sequence(&mut self) -> Result<Vec<Quantified>, String> {
        let mut items = Vec::new();
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            let atom = self.atom()?;
            let (min, max) = self.quantifier()?;
            items.push(Quantified { atom, min, max });
        }
        Ok(items)
    }

    fn atom(&mut self) -> Result<Atom, String> {
        let one = |c: char| Atom::Class { ranges: vec![(c, c)], negated: false };
        match self.next() {
            Some('^' | '$') => Ok(Atom::Anchor),
            Some('.') => Ok(Atom::Class { ranges: vec![('\n', '\n'), ('\r', '\r')], negated: true }),
            Some('[') => self.class(),
            Some('(') => {
                if self.peek() == Some('?') {
                    self.at += 1;
                    match self.next() {
                        Some(':') => {}
                        Some('<') if !matches!(self.peek(), Some('=' | '!')) => {
                            while self.next().is_some_and(|c| c != '>') {}
                        }
                        _ => return Err("lookarounds are not supported".into()),
                    }
                }
                let inner = self.alternation()?;
                if self.next() != Some(')') {
                    return Err("unclosed group".into());
                }
                Ok(Atom::Group(inner))
            }
            Some('\\') => match self.escape()? {
                Escape::Char(c) => Ok(one(c)),
                Escape::Class(ranges, negated) => Ok(Atom::Class { ranges, negated }),
            },
            Some(c @ ('*' | '+' | '?' | '{' | ')')) => Err(format!("unexpected `{c}`")),
            Some(c) => Ok(one(c)),
            None => Err("unexpected end".into()),
        }
    }

    fn quantifier(&mut self) -> Result<(usize, Option<usize>), String> {
        let bounds = match self.peek() {
            Some('*') => (0, None),
            Some('+') => (1, None),
            Some('?') => (0, Some(1)),
            Some('{') => {
                self.at += 1;
                let min = self.number().ok_or("a `{` without a count")?;
                let max = if self.peek() == Some(',') {
                    self.at += 1;
                    self.number()
                } else {
                    Some(min)
                };
                if self.peek() != Some('}') {
                    return Err("an unclosed `{`".into());
                }
                (min, max)
            }
            _ => return Ok((1, Some(1))),
        };
        self.at += 1;
        if self.peek() == Some('?') {
            self.at += 1;
        }
        Ok(bounds)
    }

    fn number(&mut self) -> Option<usize> {
        let start = self.at;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.at += 1;
        }
        self.chars[start..self.at].iter().collect::<String>().parse().ok()
    }

    fn class(&mut self) -> Result<Atom, String> {
        let negated = self.peek() == Some('^');
        if negated {
            self.at += 1;
        }
        let mut ranges = Vec::new();
        let mut first = true;
        loop {
            let c = self.next().ok_or("unclosed class")?;
            if c == ']' && !first {
                break;
            }
            first = false;
            let low = match c {
                '\\' => match self.escape()? {
                    Escape::Char(c) => c,
                    Escape::Class(more, false) => {
                        ranges.extend(more);
                        continue;
                    }
                    Escape::Class(_, true) => return Err("negated escapes inside a class are not supported".into()),
                },
                c => c,
            };
            if self.peek() == Some('-') && self.chars.get(self.at + 1).is_some_and(|c| *c != ']') {
                self.at += 1;
                let high = match self.next().ok_or("unclosed class")? {
                    '\\' => match self.escape()? {
                        Escape::Char(c) => c,
                        Escape::Class(..) => return Err("a class escape cannot end a range".into()),
                    },
                    c => c,
                };
                ranges.push((low, high));
            } else {
                ranges.push((low, low));
            }
        }
        Ok(Atom::Class { ranges, negated })
    }

    fn escape(&mut self) -> Result<Escape, String> {
        let digits = vec![('0', '9')];
        let word = vec![('a', 'z'), ('A', 'Z'), ('0', '9'), ('_', '_')];
        let space = vec![(' ', ' '), ('\t', '\r')];
        Ok(match self.next().ok_or("a trailing `\\`")? {
            'd' => Escape::Class(digits, false),
            'D' => Escape::Class(digits, true),
            'w' => Escape::Class(word, false),
            'W' => Escape::Class(word, true),
            's' => Escape::Class(space, false),
            'S' => Escape::Class(space, true),
            't' => Escape::Char('\t'),
            'n' => Escape::Char('\n'),
            'r' => Escape::Char('\r'),
            'f' => Escape::Char('\u{c}'),
            'v' => Escape::Char('\u{b}'),
            '0' => Escape::Char('\0'),
            'x' => Escape::Char(self.hex(2)?),
            'u' if self.peek() == Some('{') => {
                self.at += 1;
                let start = self.at;
                while self.next().is_some_and(|c| c != '}') {}
                let digits: String = self.chars[start..self.at - 1].iter().collect();
                Escape::Char(code_point(&digits)?)
            }
            'u' => Escape::Char(self.hex(4)?),
            c @ ('b' | 'B') => return Err(format!("`\\{c}` is not supported")),
            c if c.is_ascii_digit() => return Err("back-references are not supported".into()),
            c if c.is_ascii_alphanumeric() => return Err(format!("unknown escape `\\{c}`")),
            c => Escape::Char(c),
        })
    }

    fn hex(&mut self, count: usize) -> Result<char, String> {
        let digits: String = (0..count).filter_map(|_| self.next()).collect();
        code_point(&digits)
    }
}

fn code_point(digits: &str) -> Result<char, String> {
    u32::from_str_radix(digits, 16).ok().and_then(char::from_u32).ok_or_else(|| format!("bad escape `{digits}`"))
}

enum Escape {
    Char(char),
    Class(Vec<(char, char)>, bool),
}

#[cfg(test)]
mod tests {
    use super::candidates;

    fn first(pattern: &str) -> String {
        candidates(pattern).expect("a pattern").remove(0)
    }

    #[test]
    fn literals_classes_and_quantifiers() {
        assert_eq!(first("^vk_[0-9a-f]{8}$"), "vk_aaaaaaaa");
        assert_eq!(first("^[a-z]{3}$"), "aaa");
        assert_eq!(first(r"^[A-Z][0-9]+\.x?$"), "A0.");
        assert_eq!(first("^(auto|[a-z]{2}(-[A-Z]{2})?)$"), "auto");
        assert_eq!(first(r"^[^/\\\x00-\x1F]+$"), "a");
        assert_eq!(first(r"^\d{2}-\w$"), "00-a");
        assert_eq!(first(r"^(?:[+-]|x)\u0041\u{42}$"), "-AB");
    }

    #[test]
    fn longer_candidates_repeat_more() {
        let all = candidates("^[a-z0-9][a-z0-9._-]*$").expect("a pattern");
        assert_eq!(&all[..3], ["a", "aa", "aaa"]);
        assert_eq!(candidates("^x{2,3}$").expect("a pattern"), ["xx", "xxx"]);
    }

    #[test]
    fn unsupported_constructs_are_errors() {
        for pattern in ["(?=a)b", r"\bword", r"(a)\1", "[a-z", "(ab", "a{"] {
            assert!(candidates(pattern).is_err(), "{pattern}");
        }
    }
}
