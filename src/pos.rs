//! Find where a field path (`edit_rules[2].id`) stands in a JSON text, so that errors found
//! after parsing (duplicate ids, tiers out of order) can still point at a line and column.

/// One step of a path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Seg<'p> {
    Key(&'p str),
    Index(usize),
}

/// 1-based (line, column) of the last path step: the key for an object member, the element
/// for an array index. `None` when the text does not contain the path.
pub(crate) fn locate(text: &str, path: &[Seg<'_>]) -> Option<(usize, usize)> {
    let b = text.as_bytes();
    let mut i = ws(b, 0);
    let mut pos = i;
    for seg in path {
        match (seg, b.get(i)?) {
            (Seg::Key(k), b'{') => {
                i = ws(b, i + 1);
                loop {
                    if b.get(i)? != &b'"' {
                        return None;
                    }
                    let key_start = i;
                    let key_end = skip_string(b, i)?;
                    let key = &text[i + 1..key_end - 1];
                    i = ws(b, key_end);
                    if b.get(i)? != &b':' {
                        return None;
                    }
                    i = ws(b, i + 1);
                    if key == *k {
                        pos = key_start;
                        break;
                    }
                    i = ws(b, skip_value(b, i)?);
                    match b.get(i)? {
                        b',' => i = ws(b, i + 1),
                        _ => return None,
                    }
                }
            }
            (Seg::Index(n), b'[') => {
                i = ws(b, i + 1);
                for _ in 0..*n {
                    i = ws(b, skip_value(b, i)?);
                    if b.get(i)? != &b',' {
                        return None;
                    }
                    i = ws(b, i + 1);
                }
                if b.get(i)? == &b']' {
                    return None;
                }
                pos = i;
            }
            _ => return None,
        }
    }
    Some(line_col(text, pos))
}

/// 1-based line and column of a byte offset. Columns count bytes, as serde_json's do, so
/// every error of the crate uses one unit.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    line_col_bytes(text.as_bytes(), offset)
}

/// [`line_col`] in bytes that may not be text (the first bad byte of a line that is not
/// UTF-8).
pub(crate) fn line_col_bytes(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = 1 + memchr::memchr_iter(b'\n', before).count();
    let col = 1 + before.len() - memchr::memrchr(b'\n', before).map_or(0, |p| p + 1);
    (line, col)
}

fn ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\n' | b'\r') {
        i += 1;
    }
    i
}

/// `b[i]` is the opening quote; returns the index after the closing one.
fn skip_string(b: &[u8], mut i: usize) -> Option<usize> {
    i += 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

fn skip_value(b: &[u8], i: usize) -> Option<usize> {
    match b.get(i)? {
        b'"' => skip_string(b, i),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut j = i;
            while j < b.len() {
                match b[j] {
                    b'"' => {
                        j = skip_string(b, j)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            None
        }
        _ => {
            let mut j = i;
            while j < b.len() && !matches!(b[j], b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
            {
                j += 1;
            }
            Some(j)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_keys_and_elements() {
        let t = "{\n  \"a\": {\"b\": [1, {\"c\": \"x,}\"}, 3]},\n  \"d\": 2\n}";
        assert_eq!(locate(t, &[Seg::Key("d")]), Some((3, 3)));
        assert_eq!(
            locate(t, &[Seg::Key("a"), Seg::Key("b"), Seg::Index(2)]),
            Some((2, 32))
        );
        assert_eq!(
            locate(
                t,
                &[Seg::Key("a"), Seg::Key("b"), Seg::Index(1), Seg::Key("c")]
            ),
            Some((2, 19))
        );
        assert_eq!(locate(t, &[Seg::Key("zz")]), None);
        assert_eq!(
            locate(t, &[Seg::Key("a"), Seg::Key("b"), Seg::Index(3)]),
            None
        );
        assert_eq!(locate("{", &[Seg::Key("a")]), None);
    }
}
