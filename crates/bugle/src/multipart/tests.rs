//! Encodes bodies and parses them back with a strict parser that checks the
//! exact framing; `tests/multipart_multer.rs` parses them with multer.

use super::*;

/// One parsed part: its headers (lower-cased names) and content.
#[derive(Debug)]
struct Part {
    headers: Vec<(String, String)>,
    content: Vec<u8>,
}

impl Part {
    fn header(&self, name: &str) -> &str {
        self.headers
            .iter()
            .find(|(key, _)| key == name)
            .map_or("", |(_, value)| value.as_str())
    }
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    haystack[from..]
        .windows(needle.len())
        .position(|window| window == needle)
        .map(|at| at + from)
}

/// Parses a multipart body by RFC 7578 framing: `--boundary` lines, headers
/// up to an empty line, content up to `\r\n--boundary`, and a closing
/// `--boundary--`.
fn parse(content_type: &str, body: &[u8]) -> Vec<Part> {
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .expect("content type");
    let opening = format!("--{boundary}\r\n");
    let delimiter = format!("\r\n--{boundary}");
    assert!(
        body.starts_with(opening.as_bytes()),
        "body must open with the boundary"
    );
    let mut parts = Vec::new();
    let mut at = opening.len();
    loop {
        let head_end = find(body, b"\r\n\r\n", at).expect("end of headers");
        let headers = std::str::from_utf8(&body[at..head_end])
            .expect("utf-8 headers")
            .split("\r\n")
            .map(|line| {
                let (name, value) = line.split_once(": ").expect("header line");
                (name.to_ascii_lowercase(), value.to_owned())
            })
            .collect();
        let content_start = head_end + 4;
        let content_end = find(body, delimiter.as_bytes(), content_start).expect("delimiter");
        parts.push(Part {
            headers,
            content: body[content_start..content_end].to_vec(),
        });
        let after = content_end + delimiter.len();
        if body[after..].starts_with(b"--\r\n") {
            assert_eq!(after + 4, body.len(), "nothing after the closing delimiter");
            return parts;
        }
        assert!(body[after..].starts_with(b"\r\n"), "CRLF after a delimiter");
        at = after + 2;
    }
}

#[test]
fn payload_json_comes_first_then_each_file_in_order() {
    let payload = br#"{"content":"hello","attachments":[{"id":0},{"id":1}]}"#;
    let files = [
        FileUpload::new(0, "graph.png", vec![0x89, b'P', b'N', b'G', 0, 255]),
        FileUpload::new(1, "notes.TXT", "line one\r\nline two\r\n"),
    ];
    let encoded = encode(payload, &files).expect("encodes");
    let parts = parse(&encoded.content_type, &encoded.body);
    assert_eq!(parts.len(), 3);

    assert_eq!(
        parts[0].header("content-disposition"),
        "form-data; name=\"payload_json\""
    );
    assert_eq!(parts[0].header("content-type"), "application/json");
    assert_eq!(parts[0].content, payload);

    assert_eq!(
        parts[1].header("content-disposition"),
        "form-data; name=\"files[0]\"; filename=\"graph.png\""
    );
    assert_eq!(parts[1].header("content-type"), "image/png");
    assert_eq!(parts[1].content, [0x89, b'P', b'N', b'G', 0, 255]);

    assert_eq!(
        parts[2].header("content-disposition"),
        "form-data; name=\"files[1]\"; filename=\"notes.TXT\""
    );
    assert_eq!(parts[2].header("content-type"), "text/plain; charset=utf-8");
    assert_eq!(parts[2].content, b"line one\r\nline two\r\n");
}

#[test]
fn no_files_gives_just_the_payload() {
    let encoded = encode(b"{}", &[]).expect("encodes");
    let parts = parse(&encoded.content_type, &encoded.body);
    assert_eq!(parts.len(), 1);
    assert_eq!(parts[0].content, b"{}");
}

#[test]
fn quotes_and_line_breaks_in_file_names_are_escaped() {
    let files = [FileUpload::new(0, "a \"quoted\"\r\nname.bin", "x")];
    let encoded = encode(b"{}", &files).expect("encodes");
    let parts = parse(&encoded.content_type, &encoded.body);
    assert_eq!(
        parts[1].header("content-disposition"),
        "form-data; name=\"files[0]\"; filename=\"a %22quoted%22%0D%0Aname.bin\""
    );
}

#[test]
fn unicode_file_names_pass_through() {
    let files = [FileUpload::new(0, "résumé 📄.pdf", "x")];
    let encoded = encode(b"{}", &files).expect("encodes");
    let parts = parse(&encoded.content_type, &encoded.body);
    assert!(
        parts[1]
            .header("content-disposition")
            .ends_with("filename=\"résumé 📄.pdf\"")
    );
    assert_eq!(parts[1].header("content-type"), "application/pdf");
}

#[test]
fn explicit_content_type_wins_over_the_guess() {
    let file = FileUpload::new(0, "data.bin", "x").with_content_type("application/x-custom");
    assert_eq!(file.content_type(), "application/x-custom");
    let encoded = encode(b"{}", &[file]).expect("encodes");
    let parts = parse(&encoded.content_type, &encoded.body);
    assert_eq!(parts[1].header("content-type"), "application/x-custom");
}

#[test]
fn content_types_are_guessed_from_extensions() {
    assert_eq!(guess_content_type("a.JPEG"), "image/jpeg");
    assert_eq!(guess_content_type("a.tar.gz"), "application/gzip");
    assert_eq!(guess_content_type("clip.mp4"), "video/mp4");
    assert_eq!(
        guess_content_type("no_extension"),
        "application/octet-stream"
    );
    // An extension no table knows ("xyz" is chemical/x-xyz in mime_guess's).
    assert_eq!(guess_content_type("weird.qqq"), "application/octet-stream");
    assert_eq!(
        guess_content_type("notes.md"),
        "text/markdown; charset=utf-8"
    );
    assert_eq!(guess_content_type("build.log"), "text/plain; charset=utf-8");
    assert_eq!(guess_content_type("voice.ogg"), "audio/ogg");
}

#[test]
fn a_boundary_found_inside_a_part_is_replaced() {
    let files = [FileUpload::new(0, "f.bin", "data with bugle-CLASH inside")];
    let mut offered = vec!["bugle-SAFE".to_owned(), "bugle-CLASH".to_owned()];
    let encoded = encode_with(b"{}", &files, || offered.pop().expect("boundary")).expect("encodes");
    assert_eq!(
        encoded.content_type,
        "multipart/form-data; boundary=bugle-SAFE"
    );
    let parts = parse(&encoded.content_type, &encoded.body);
    assert_eq!(parts[1].content, b"data with bugle-CLASH inside");
}

#[test]
fn boundaries_clashing_with_the_payload_are_refused_until_attempts_run_out() {
    let result = encode_with(b"{\"x\":\"bugle-X\"}", &[], || "bugle-X".to_owned());
    let error = result.expect_err("every boundary clashes");
    assert!(matches!(error.kind(), ErrorKind::Validation { .. }));
}

#[test]
fn random_boundaries_are_fresh_and_token_safe() {
    let a = random_boundary();
    let b = random_boundary();
    assert_ne!(a, b);
    assert_eq!(a.len(), "bugle-".len() + BOUNDARY_RANDOM_CHARS);
    assert!(a.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-'));
}

#[test]
fn empty_file_names_are_rejected() {
    let error = encode(b"{}", &[FileUpload::new(0, "", "x")]).expect_err("empty name");
    assert!(error.to_string().contains("files[0].filename"));
}

#[test]
fn debug_shows_size_not_contents() {
    let debug = format!("{:?}", FileUpload::new(0, "a.txt", "secret contents"));
    assert!(debug.contains("len: 15"));
    assert!(!debug.contains("secret contents"));
}

#[test]
fn content_types_that_could_break_the_header_are_rejected() {
    let file = FileUpload::new(1, "a.txt", "x").with_content_type("text/plain\r\nX-Injected: 1");
    let error = encode(b"{}", &[FileUpload::new(0, "ok.txt", "y"), file]).expect_err("unsafe");
    assert!(error.to_string().contains("files[1].content_type"));
    let empty = FileUpload::new(0, "a.txt", "x").with_content_type("");
    assert!(encode(b"{}", &[empty]).is_err());
}

#[test]
fn parts_are_named_by_their_own_index_not_their_position() {
    let files = [
        FileUpload::new(5, "five.txt", "5"),
        FileUpload::new(2, "two.txt", "2"),
    ];
    let encoded = encode(b"{}", &files).expect("encodes");
    let parts = parse(&encoded.content_type, &encoded.body);
    assert_eq!(
        parts[1].header("content-disposition"),
        "form-data; name=\"files[5]\"; filename=\"five.txt\""
    );
    assert_eq!(
        parts[2].header("content-disposition"),
        "form-data; name=\"files[2]\"; filename=\"two.txt\""
    );
}

#[test]
fn two_files_with_one_index_are_rejected() {
    let files = [
        FileUpload::new(3, "a.txt", "a"),
        FileUpload::new(3, "b.txt", "b"),
    ];
    let error = encode(b"{}", &files).expect_err("duplicate index");
    assert!(error.to_string().contains("files[3]"), "{error}");
}

#[test]
fn model_parts_keep_their_index_and_share_their_bytes() {
    use bugle_model::request::{AttachmentFile, Attachments};

    let file = AttachmentFile::new("chart.png", vec![1_u8, 2, 3]).spoiler(true);
    let shared = std::sync::Arc::clone(&file.data);
    let mut attachments: Attachments =
        serde_json::from_value(serde_json::json!([{"id": 0}, {"id": 1}])).expect("entries");
    attachments.push_file(file);
    let parts = attachments.files();
    let upload = FileUpload::from(parts[0]);
    assert_eq!(upload.index(), 2);
    assert_eq!(upload.field_name(), "files[2]");
    assert_eq!(upload.filename(), "SPOILER_chart.png");
    assert_eq!(upload.content_type(), "image/png");
    // The same allocation: the model's bytes were not copied.
    assert_eq!(upload.data().as_ptr(), shared.as_ptr());
}

#[test]
fn the_body_is_allocated_once_at_its_exact_size() {
    let files = [
        FileUpload::new(0, "a.bin", vec![7_u8; 1000]),
        FileUpload::new(1, "b.bin", vec![8_u8; 10]),
    ];
    let encoded = encode(b"{}", &files).expect("encodes");
    let parts = parse(&encoded.content_type, &encoded.body);
    assert_eq!(parts[1].content, vec![7_u8; 1000]);
    assert_eq!(parts[2].content, vec![8_u8; 10]);
}

#[test]
fn backslashes_in_file_names_are_percent_encoded() {
    let files = [FileUpload::new(0, "a\\b\\", "x")];
    let encoded = encode(b"{}", &files).expect("encodes");
    let parts = parse(&encoded.content_type, &encoded.body);
    assert_eq!(
        parts[1].header("content-disposition"),
        "form-data; name=\"files[0]\"; filename=\"a%5Cb%5C\""
    );
}
