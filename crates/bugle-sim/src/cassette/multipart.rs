//! A small `multipart/form-data` parser for complete in-memory bodies (RFC 7578).
//!
//! Only what recording and matching need: part names, file names, content types and
//! contents. The boundary itself is discarded, so two encodings of the same form compare
//! equal.

/// One part of a multipart body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Part<'a> {
    pub(crate) name: Option<String>,
    pub(crate) filename: Option<String>,
    pub(crate) content_type: Option<String>,
    pub(crate) data: &'a [u8],
}

/// The boundary of a `multipart/form-data` content type, if it is one.
pub(crate) fn boundary(content_type: &str) -> Option<String> {
    let mut params = content_type.split(';');
    let essence = params.next()?.trim();
    if !essence.eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params.find_map(|param| {
        let (key, value) = param.split_once('=')?;
        key.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| unquote(value.trim()).to_owned())
            .filter(|b| !b.is_empty())
    })
}

fn unquote(value: &str) -> &str {
    value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or(value)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Splits `body` into its parts; `None` when it is not well-formed.
pub(crate) fn parse<'a>(body: &'a [u8], boundary: &str) -> Option<Vec<Part<'a>>> {
    let delimiter = format!("--{boundary}");
    let next_delimiter = format!("\r\n--{boundary}");
    let start = find(body, delimiter.as_bytes())?;
    let mut rest = &body[start + delimiter.len()..];
    let mut parts = Vec::new();
    loop {
        if rest.starts_with(b"--") {
            return Some(parts);
        }
        rest = rest.strip_prefix(b"\r\n")?;
        let end = find(rest, next_delimiter.as_bytes())?;
        parts.push(parse_part(&rest[..end])?);
        rest = &rest[end + next_delimiter.len()..];
    }
}

fn parse_part(raw: &[u8]) -> Option<Part<'_>> {
    let split = find(raw, b"\r\n\r\n");
    let (head, data) = match split {
        Some(at) => (&raw[..at], &raw[at + 4..]),
        // A part with headers only and an empty body ends right after its blank line.
        None => (raw.strip_suffix(b"\r\n").unwrap_or(raw), &raw[raw.len()..]),
    };
    let head = std::str::from_utf8(head).ok()?;
    let mut part = Part {
        name: None,
        filename: None,
        content_type: None,
        data,
    };
    for line in head.split("\r\n").filter(|l| !l.is_empty()) {
        let (name, value) = line.split_once(':')?;
        let value = value.trim();
        if name.trim().eq_ignore_ascii_case("content-disposition") {
            for param in value.split(';').skip(1) {
                let Some((key, v)) = param.split_once('=') else {
                    continue;
                };
                match key.trim().to_ascii_lowercase().as_str() {
                    "name" => part.name = Some(unquote(v.trim()).to_owned()),
                    "filename" => part.filename = Some(unquote(v.trim()).to_owned()),
                    _ => {}
                }
            }
        } else if name.trim().eq_ignore_ascii_case("content-type") {
            part.content_type = Some(value.to_owned());
        }
    }
    Some(part)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(boundary: &str) -> Vec<u8> {
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"payload_json\"\r\nContent-Type: application/json\r\n\r\n{{\"content\":\"hi\"}}\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"files[0]\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nhello\r\nworld\r\n\
             --{boundary}--\r\n"
        )
        .into_bytes()
    }

    #[test]
    fn boundary_is_read_quoted_or_not() {
        assert_eq!(
            boundary("multipart/form-data; boundary=abc").as_deref(),
            Some("abc")
        );
        assert_eq!(
            boundary("Multipart/Form-Data; boundary=\"a b\"").as_deref(),
            Some("a b")
        );
        assert_eq!(boundary("application/json"), None);
    }

    #[test]
    fn parts_are_split_whatever_the_boundary() {
        let a = body("xyz");
        let b = body("------other-boundary-123");
        let parts_a = parse(&a, "xyz").unwrap();
        let parts_b = parse(&b, "------other-boundary-123").unwrap();
        assert_eq!(parts_a, parts_b);
        assert_eq!(parts_a.len(), 2);
        assert_eq!(parts_a[0].name.as_deref(), Some("payload_json"));
        assert_eq!(parts_a[0].data, br#"{"content":"hi"}"#);
        assert_eq!(parts_a[1].filename.as_deref(), Some("a.txt"));
        assert_eq!(parts_a[1].content_type.as_deref(), Some("text/plain"));
        assert_eq!(parts_a[1].data, b"hello\r\nworld");
    }

    #[test]
    fn a_truncated_body_is_rejected() {
        let mut a = body("xyz");
        a.truncate(a.len() - 12);
        assert_eq!(parse(&a, "xyz"), None);
    }
}
