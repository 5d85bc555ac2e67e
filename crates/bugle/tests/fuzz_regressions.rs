//! Inputs found by the fuzz targets in `fuzz/` (see docs/fuzzing.md), kept as tests.

use bugle::WebhookUrl;

/// Found by `webhook_url`: the url crate follows the WHATWG URL standard, which removes
/// ASCII tabs and line breaks anywhere in its input and C0 control characters (NUL,
/// U+0001, ...) at either end. So a URL with a tab or line break inside the host, the
/// path or the token, or a NUL in front, parsed as if the character were not there,
/// although `WebhookUrl` documents a strict parse that accepts only whitespace around
/// the URL.
#[test]
fn control_characters_are_rejected() {
    for text in [
        // The fuzzer's two inputs.
        "https://canary.discordapp.com/api/v2313/webhooks/888888888/8888\t\tI\t\t\t\t\t",
        "\0https://DISCORD.com/api/v12125/webhooks/1/zz?\u{1}\u{2}\0\0\u{8}\0\0\0\0",
        // The same, minimised.
        "https://discord.com/api/webhooks/123/to\nken",
        "https://discord.com/api/webhooks/123/tok\r\nen",
        "https://discord.com/api/webhooks/1\t23/token",
        "https://disc\tord.com/api/webhooks/123/token",
        "https://discord.com/api/web\nhooks/123/token",
        "\0https://discord.com/api/webhooks/123/token",
        "https://discord.com/api/webhooks/123/token\u{1}",
    ] {
        assert!(WebhookUrl::parse(text).is_err(), "accepted {text:?}");
    }
}

/// Whitespace around the URL (from an env file, say) stays accepted.
#[test]
fn surrounding_whitespace_is_still_accepted() {
    let url = WebhookUrl::parse("\t https://discord.com/api/webhooks/123/token\r\n")
        .expect("surrounding whitespace is trimmed");
    assert_eq!(url.id().get(), 123);
}
