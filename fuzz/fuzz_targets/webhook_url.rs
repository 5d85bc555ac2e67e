//! `WebhookUrl::parse` on arbitrary text, half of it shaped like a webhook URL.
//!
//! Invariants: parsing never panics; an accepted URL has a non-zero id and a token of
//! only letters, digits, `-` and `_` that occurs in the input; re-parsing the canonical
//! form gives the same webhook; `Debug` never shows the token; error messages never
//! repeat the URL or the token.

#![no_main]

use arbitrary::Arbitrary;
use bugle::WebhookUrl;
use libfuzzer_sys::fuzz_target;
use secrecy::ExposeSecret;

#[derive(Arbitrary, Debug)]
enum Input {
    /// Any text at all.
    Raw(String),
    /// `{scheme}://{host}{path}/webhooks/{id}/{token}{tail}`, each part arbitrary.
    Shaped {
        https: bool,
        host: u8,
        versioned: Option<u16>,
        id: String,
        token: String,
        tail: String,
    },
}

const HOSTS: [&str; 4] = [
    "discord.com",
    "canary.discordapp.com",
    "DISCORD.com",
    "evil.io",
];

fn text(input: &Input) -> String {
    match input {
        Input::Raw(raw) => raw.clone(),
        Input::Shaped {
            https,
            host,
            versioned,
            id,
            token,
            tail,
        } => {
            let scheme = if *https { "https" } else { "http" };
            let host = HOSTS[usize::from(*host) % HOSTS.len()];
            let version = versioned.map(|v| format!("/v{v}")).unwrap_or_default();
            format!("{scheme}://{host}/api{version}/webhooks/{id}/{token}{tail}")
        }
    }
}

fuzz_target!(|input: Input| {
    let text = text(&input);
    match WebhookUrl::parse(&text) {
        Ok(url) => {
            let token = url.token().expose_secret().to_owned();
            assert_ne!(url.id().get(), 0, "accepted id 0");
            assert!(!token.is_empty(), "accepted an empty token");
            assert!(
                token
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
                "accepted token {token:?}"
            );
            // Only surrounding whitespace is forgiven (Unicode whitespace such as U+00A0
            // included): an accepted URL holds no control character, and its token and
            // scheme come from the text as given (crates/bugle/tests/fuzz_regressions.rs).
            let trimmed = text.trim();
            assert!(
                !trimmed.bytes().any(|b| b.is_ascii_control()),
                "accepted a control character"
            );
            assert!(trimmed.contains(&token), "token not taken from the input");
            assert!(
                trimmed.to_ascii_lowercase().starts_with("https:"),
                "not https"
            );
            if let Some(thread) = url.thread_id() {
                assert_ne!(thread.get(), 0, "accepted thread id 0");
            }
            let canonical = format!(
                "https://discord.com/api/webhooks/{}/{token}",
                url.id().get()
            );
            let again = WebhookUrl::parse(&canonical).expect("the canonical form parses");
            assert_eq!(again.id(), url.id());
            assert_eq!(again.token().expose_secret(), token.as_str());
            // Longer than any run of token characters `Debug` writes itself (ids have at
            // most 20 digits), so a hit can only be the token leaking.
            if token.len() > 20 {
                let debug = format!("{url:?}");
                assert!(!debug.contains(&token), "debug shows the token: {debug}");
            }
        }
        Err(error) => {
            // The messages are fixed sentences: none holds `://` or a run of more than
            // 20 token characters, so such a hit can only be the input leaking.
            let trimmed = text.trim();
            let token = match &input {
                Input::Shaped { token, .. } => token.as_str(),
                Input::Raw(_) => "",
            };
            let token_like = token.len() > 20
                && token
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
            for shown in [error.to_string(), format!("{error:?}")] {
                if trimmed.contains("://") {
                    assert!(!shown.contains(trimmed), "error repeats the input: {shown}");
                }
                if token_like {
                    assert!(!shown.contains(token), "error repeats the token: {shown}");
                }
            }
        }
    }
});
