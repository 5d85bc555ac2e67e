//! Hand-written bodies in the shapes HTTP clients send, and malformed ones.

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
fn parts_are_split_whatever_the_boundary() {
    let a = body("xyz");
    let b = body("------other-boundary-123");
    let parts_a = parse(&a, "xyz").unwrap();
    let parts_b = parse(&b, "------other-boundary-123").unwrap();
    assert_eq!(parts_a, parts_b);
    assert_eq!(parts_a.len(), 2);
    assert_eq!(parts_a[0].name.as_deref(), Some("payload_json"));
    assert_eq!(parts_a[0].filename, None);
    assert_eq!(parts_a[0].data, br#"{"content":"hi"}"#);
    assert_eq!(parts_a[1].name.as_deref(), Some("files[0]"));
    assert_eq!(parts_a[1].filename.as_deref(), Some("a.txt"));
    assert_eq!(parts_a[1].content_type.as_deref(), Some("text/plain"));
    assert_eq!(parts_a[1].data, b"hello\r\nworld");
}

#[test]
fn boundary_is_read_quoted_or_not() {
    assert_eq!(
        boundary("multipart/form-data; boundary=abc").as_deref(),
        Some("abc")
    );
    assert_eq!(
        boundary("Multipart/Form-Data; charset=utf-8; BOUNDARY=\"a b;c\"").as_deref(),
        Some("a b;c")
    );
    assert_eq!(boundary("multipart/form-data; boundary=\"\""), None);
    assert_eq!(boundary("multipart/form-data"), None);
    assert_eq!(boundary("application/json; boundary=abc"), None);
}

#[test]
fn content_may_hold_crlf_dashes_and_blank_lines() {
    let raw = b"--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x\"\r\n\r\n\r\n\r\n--\r\n--c\r\n-b--\r\n--b--";
    let parts = parse(raw, "b").unwrap();
    assert_eq!(parts.len(), 1);
    assert_eq!(parts[0].data, b"\r\n\r\n--\r\n--c\r\n-b--");
}

#[test]
fn preamble_epilogue_and_padding_are_skipped() {
    let raw = b"preamble --b inside\r\n--b  \t\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--b--\r\nepilogue";
    let parts = parse(raw, "b").unwrap();
    assert_eq!(parts.len(), 1);
    assert_eq!(parts[0].name.as_deref(), Some("a"));
    assert_eq!(parts[0].data, b"1");
}

#[test]
fn parts_without_headers_or_without_content() {
    let raw = b"--b\r\n\r\nno headers\r\n\r\n--b\r\nContent-Disposition: form-data; name=\"empty\"\r\n\r\n--b\r\nContent-Disposition: form-data; name=\"also\"\r\n\r\n\r\n--b--";
    let parts = parse(raw, "b").unwrap();
    assert_eq!(parts.len(), 3);
    assert_eq!(parts[0].name, None);
    assert_eq!(parts[0].data, b"no headers\r\n");
    assert_eq!(parts[1].name.as_deref(), Some("empty"));
    assert_eq!(parts[1].data, b"");
    assert_eq!(parts[2].name.as_deref(), Some("also"));
    assert_eq!(parts[2].data, b"");
}

#[test]
fn quoted_parameters_keep_semicolons_escapes_and_unicode() {
    let raw = "--b\r\ncontent-disposition: form-data; NAME=\"files[3]\"; filename=\"a; b \\\"c\\\" %22d%22 \\x résumé 📄.bin\"\r\nContent-Type:  application/octet-stream \r\n\r\nz\r\n--b--".as_bytes();
    let parts = parse(raw, "b").unwrap();
    assert_eq!(parts[0].name.as_deref(), Some("files[3]"));
    assert_eq!(
        parts[0].filename.as_deref(),
        Some("a; b \"c\" %22d%22 \\x résumé 📄.bin")
    );
    assert_eq!(
        parts[0].content_type.as_deref(),
        Some("application/octet-stream")
    );
}

#[test]
fn unquoted_parameters_are_tokens() {
    let raw =
        b"--b\r\nContent-Disposition: form-data; name=plain ;filename=f.txt\r\n\r\nz\r\n--b--";
    let parts = parse(raw, "b").unwrap();
    assert_eq!(parts[0].name.as_deref(), Some("plain"));
    assert_eq!(parts[0].filename.as_deref(), Some("f.txt"));
}

#[test]
fn malformed_bodies_are_rejected() {
    let mut truncated = body("xyz");
    truncated.truncate(truncated.len() - 12);
    assert_eq!(parse(&truncated, "xyz"), Err(ParseError::Truncated));
    assert_eq!(
        parse(
            b"--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\nno end",
            "b"
        ),
        Err(ParseError::Truncated)
    );
    assert_eq!(
        parse(b"no delimiter at all", "b"),
        Err(ParseError::NoDelimiter)
    );
    assert_eq!(
        parse(b"--bx\r\n\r\n1\r\n--b--", "b"),
        Err(ParseError::BadDelimiter)
    );
    assert_eq!(
        parse(b"--b\r\nno colon\r\n\r\n1\r\n--b--", "b"),
        Err(ParseError::BadHeader)
    );
    assert_eq!(
        parse(
            b"--b\r\nContent-Disposition: form-data; name=\"open\r\n\r\n1\r\n--b--",
            "b"
        ),
        Err(ParseError::BadHeader)
    );
}
