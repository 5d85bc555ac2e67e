//! The multipart encoder checked by an independent parser, `multer` (the one
//! axum uses), so an encoder bug cannot hide behind a mistake it shares with
//! bugle-sim's parser; and upload ids checked end to end, from a body whose
//! `attachments[]` already take some, through `DiscordClient`, to
//! `FakeDiscord`.

mod client_support;

use bugle::multipart::{FileUpload, encode};
use bugle_model::id::ChannelId;
use bugle_model::request::{AttachmentFile, Attachments, CreateMessage, RequestBody};
use bytes::Bytes;
use client_support::{TEXT, setup};
use serde_json::{Value, json};

/// One part as multer reads it.
#[derive(Debug)]
struct Parsed {
    name: Option<String>,
    filename: Option<String>,
    content_type: Option<String>,
    data: Bytes,
}

/// Every part of `body`, read by multer.
async fn parse(content_type: &str, body: &[u8]) -> Vec<Parsed> {
    let boundary = multer::parse_boundary(content_type).expect("a multipart content type");
    let mut multipart = multer::Multipart::with_reader(body, boundary);
    let mut parts = Vec::new();
    while let Some(field) = multipart.next_field().await.expect("well-formed") {
        let name = field.name().map(str::to_owned);
        let filename = field.file_name().map(str::to_owned);
        let content_type = field.content_type().map(ToString::to_string);
        let data = field.bytes().await.expect("the part's content");
        parts.push(Parsed {
            name,
            filename,
            content_type,
            data,
        });
    }
    parts
}

/// File contents that look like framing: CRLFs, `--`, a boundary's prefix, a
/// blank line, a fake part header, and every byte value.
fn tricky_bytes() -> Vec<u8> {
    let mut data =
        b"\r\n--\r\n--bugle-\r\n\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n--".to_vec();
    data.extend(0..=255_u8);
    data.extend_from_slice(b"\r\n--");
    data
}

#[tokio::test]
async fn multer_reads_every_part_as_encoded() {
    let payload = br#"{"content":"files","attachments":[{"id":0},{"id":1},{"id":2},{"id":3}]}"#;
    let tricky = tricky_bytes();
    let files = [
        FileUpload::new(0, "plain.txt", "line one\r\nline two\r\n"),
        FileUpload::new(1, "say \"cheese\".png", tricky.clone()),
        FileUpload::new(2, "résumé 📄 (final); v2.pdf", vec![0_u8, 13, 10, 45, 45]),
        FileUpload::new(3, "back\\slash and 'single'.bin\\", Bytes::new())
            .with_content_type("application/x-custom; v=1"),
    ];
    let encoded = encode(payload, &files).expect("encodes");
    let parts = parse(&encoded.content_type, &encoded.body).await;

    assert_eq!(parts.len(), 5);
    assert_eq!(parts[0].name.as_deref(), Some("payload_json"));
    assert_eq!(parts[0].filename, None);
    assert_eq!(parts[0].content_type.as_deref(), Some("application/json"));
    assert_eq!(&parts[0].data[..], payload);

    // Quotes travel as %22, as browsers send them (WHATWG), and backslashes
    // as %5C (a trailing one would otherwise escape the closing quote and
    // multer would lose the name); the rest as given.
    let expected = [
        (
            "files[0]",
            "plain.txt",
            "text/plain; charset=utf-8",
            &b"line one\r\nline two\r\n"[..],
        ),
        ("files[1]", "say %22cheese%22.png", "image/png", &tricky[..]),
        (
            "files[2]",
            "résumé 📄 (final); v2.pdf",
            "application/pdf",
            &[0, 13, 10, 45, 45][..],
        ),
        (
            "files[3]",
            "back%5Cslash and 'single'.bin%5C",
            "application/x-custom; v=1",
            &[][..],
        ),
    ];
    for (part, (name, filename, content_type, data)) in parts[1..].iter().zip(expected) {
        assert_eq!(part.name.as_deref(), Some(name));
        assert_eq!(part.filename.as_deref(), Some(filename), "{name}");
        assert_eq!(part.content_type.as_deref(), Some(content_type), "{name}");
        assert_eq!(&part.data[..], data, "{name}");
    }
}

#[tokio::test]
async fn multer_reads_a_payload_without_files() {
    let encoded = encode(b"{}", &[]).expect("encodes");
    let parts = parse(&encoded.content_type, &encoded.body).await;
    assert_eq!(parts.len(), 1);
    assert_eq!(&parts[0].data[..], b"{}");
}

#[tokio::test]
async fn multer_reads_large_binary_files_intact() {
    let big: Vec<u8> = (0..300_000_u32)
        .map(|i| u8::try_from(i % 251).expect("below 256"))
        .collect();
    let files = [
        FileUpload::new(0, "big.bin", big.clone()),
        FileUpload::new(1, "small.bin", vec![b'-'; 3]),
    ];
    let encoded = encode(b"{}", &files).expect("encodes");
    let parts = parse(&encoded.content_type, &encoded.body).await;
    assert_eq!(parts.len(), 3);
    assert_eq!(&parts[1].data[..], &big[..]);
    assert_eq!(&parts[2].data[..], b"---");
}

/// A message body whose `attachments[]` already take upload ids 0, 1 and 3
/// (entries read from JSON, say a template), with two new files added: they
/// take the free ids, 2 and 4.
fn body_with_taken_upload_ids() -> CreateMessage {
    let mut attachments: Attachments = serde_json::from_value(json!([
        {"id": 0, "filename": "old-0.png"},
        {"id": 1, "filename": "old-1.png"},
        {"id": 3, "filename": "old-3.png"},
    ]))
    .expect("entries");
    attachments.push_file(AttachmentFile::new("chart.png", vec![1_u8, 2, 3]).description("chart"));
    attachments.push_file(AttachmentFile::new("log.txt", b"--\r\nok".to_vec()));
    let mut body = CreateMessage::new().content("with upload ids");
    body.attachments = attachments;
    body
}

#[tokio::test]
async fn each_file_part_carries_its_attachment_id() {
    let body = body_with_taken_upload_ids();
    let uploads: Vec<FileUpload> = body.files().into_iter().map(FileUpload::from).collect();
    let json = body.payload_json().expect("json");
    let encoded = encode(&json, &uploads).expect("encodes");
    let parts = parse(&encoded.content_type, &encoded.body).await;

    let payload: Value = serde_json::from_slice(&parts[0].data).expect("payload_json");
    let entries = payload["attachments"].as_array().expect("attachments");
    let entry = |id: u64| {
        entries
            .iter()
            .find(|entry| entry["id"] == id)
            .unwrap_or_else(|| panic!("an entry with id {id}"))
    };
    let files = &parts[1..];
    assert_eq!(
        files.iter().map(|p| p.name.as_deref()).collect::<Vec<_>>(),
        [Some("files[2]"), Some("files[4]")]
    );
    assert_eq!(entry(2)["filename"], "chart.png");
    assert_eq!(entry(2)["description"], "chart");
    assert_eq!(files[0].filename.as_deref(), Some("chart.png"));
    assert_eq!(&files[0].data[..], [1, 2, 3]);
    assert_eq!(entry(4)["filename"], "log.txt");
    assert_eq!(files[1].filename.as_deref(), Some("log.txt"));
    assert_eq!(&files[1].data[..], b"--\r\nok");
}

#[tokio::test(start_paused = true)]
async fn fake_discord_files_each_upload_under_its_attachment_id() {
    let (client, fake, spy) = setup();
    let sent = client
        .send_message(ChannelId::new(TEXT), body_with_taken_upload_ids())
        .await
        .expect("sent");

    let request = spy.last();
    let content_type = request.header("content-type").expect("content type");
    let parts = parse(content_type, &request.body).await;
    assert_eq!(
        parts[1..]
            .iter()
            .map(|p| p.name.as_deref())
            .collect::<Vec<_>>(),
        [Some("files[2]"), Some("files[4]")]
    );

    // FakeDiscord names and describes each upload from the `attachments[]`
    // entry whose id is its part's `n`: under the wrong id the chart would be
    // stored as "old-0.png" without its description.
    for attachments in [sent.attachments, fake.messages(TEXT)[0].attachments.clone()] {
        let stored: Vec<_> = attachments
            .iter()
            .map(|a| (a.filename.as_str(), a.description.as_deref(), a.size))
            .collect();
        assert_eq!(
            stored,
            [("chart.png", Some("chart"), 3), ("log.txt", None, 6)]
        );
    }
}
