//! Webhook URLs: parsed strictly, held with the token as a secret.
//!
//! Accepted forms (the id is a snowflake, the token Discord's URL-safe token):
//!
//! - `https://discord.com/api/webhooks/{id}/{token}`
//! - the same with a version: `https://discord.com/api/v10/webhooks/{id}/{token}`
//! - hosts `discord.com`, `discordapp.com` and their `canary.` and `ptb.`
//!   subdomains
//! - one trailing `/`, surrounding whitespace (e.g. from an env file)
//! - query `thread_id={id}` (kept), `wait=…` and `with_components=…`
//!   (ignored: the operation decides those)
//!
//! Anything else is a [`WebhookUrlError`] that says what is wrong without
//! repeating the URL or the token.

use std::fmt;
use std::str::FromStr;

use bugle_model::id::{ChannelId, WebhookId};
use secrecy::{ExposeSecret, SecretString};
use url::Url;

/// Hosts Discord serves webhooks on.
const HOSTS: [&str; 6] = [
    "discord.com",
    "discordapp.com",
    "canary.discord.com",
    "ptb.discord.com",
    "canary.discordapp.com",
    "ptb.discordapp.com",
];

/// A parsed Discord webhook URL: id, secret token and optional thread.
///
/// `Debug` shows the id and thread but never the token:
///
/// ```
/// use bugle::WebhookUrl;
///
/// let url: WebhookUrl = "https://discord.com/api/webhooks/123456789/s3cr3t-T0ken".parse()?;
/// assert_eq!(url.id().get(), 123456789);
/// assert!(!format!("{url:?}").contains("s3cr3t"));
/// # Ok::<(), bugle::WebhookUrlError>(())
/// ```
#[derive(Clone)]
pub struct WebhookUrl {
    id: WebhookId,
    token: SecretString,
    thread_id: Option<ChannelId>,
}

/// Why a string is not a Discord webhook URL.
///
/// Messages describe the problem only; they never contain the URL or token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookUrlError {
    /// The text is not an absolute URL at all.
    #[error("the text is not an absolute url")]
    NotAUrl,
    /// The scheme is not `https`.
    #[error("the scheme must be https")]
    Scheme,
    /// The URL carries a user name or password.
    #[error("the url must not contain a user name or password")]
    Credentials,
    /// The host is not one of Discord's.
    #[error("the host must be discord.com or discordapp.com (optionally canary. or ptb.)")]
    Host,
    /// The URL names a port.
    #[error("the url must not name a port")]
    Port,
    /// The path does not start with `/api/webhooks/` or `/api/v{N}/webhooks/`.
    #[error("the path must start with /api/webhooks/ or /api/v<number>/webhooks/")]
    Path,
    /// The path has no id segment.
    #[error("the webhook id is missing")]
    MissingId,
    /// The id segment is not a non-zero decimal number.
    #[error("the webhook id must be a non-zero decimal number")]
    InvalidId,
    /// The path has no token segment.
    #[error("the webhook token is missing")]
    MissingToken,
    /// The token has characters Discord's tokens never contain.
    #[error("the webhook token may only contain letters, digits, `-` and `_`")]
    InvalidToken,
    /// The path continues after the token.
    #[error("the path has extra segments after the token")]
    ExtraSegments,
    /// `thread_id` is not a non-zero decimal number.
    #[error("the thread_id query parameter must be a non-zero decimal number")]
    InvalidThreadId,
    /// The query has a parameter other than `thread_id`, `wait` and `with_components`.
    #[error("the query may only contain thread_id, wait and with_components")]
    UnknownQueryParameter,
    /// The URL has a `#fragment`.
    #[error("the url must not have a #fragment")]
    Fragment,
}

impl WebhookUrl {
    /// Parses a webhook URL in one of the accepted forms (see the module docs).
    ///
    /// # Errors
    ///
    /// A [`WebhookUrlError`] naming the first problem found.
    pub fn parse(text: &str) -> Result<Self, WebhookUrlError> {
        let trimmed = text.trim();
        // The WHATWG parser silently drops tabs and line breaks anywhere and control
        // characters at either end; a strict parse refuses them instead.
        if trimmed.bytes().any(|b| b.is_ascii_control()) {
            return Err(WebhookUrlError::NotAUrl);
        }
        let url = Url::parse(trimmed).map_err(|_| WebhookUrlError::NotAUrl)?;
        match url.scheme() {
            "https" => {}
            "http" => return Err(WebhookUrlError::Scheme),
            _ if url.cannot_be_a_base() => return Err(WebhookUrlError::NotAUrl),
            _ => return Err(WebhookUrlError::Scheme),
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(WebhookUrlError::Credentials);
        }
        let host = url.host_str().unwrap_or_default();
        if !HOSTS.contains(&host) {
            return Err(WebhookUrlError::Host);
        }
        if url.port().is_some() {
            return Err(WebhookUrlError::Port);
        }
        if url.fragment().is_some() {
            return Err(WebhookUrlError::Fragment);
        }
        let (id, token) = parse_path(url.path())?;
        let thread_id = parse_query(&url)?;
        Ok(Self {
            id,
            token: SecretString::from(token),
            thread_id,
        })
    }

    /// A webhook URL from its parts, e.g. read from a secrets store.
    ///
    /// # Errors
    ///
    /// [`WebhookUrlError::MissingToken`] or [`WebhookUrlError::InvalidToken`]
    /// when the token is empty or has characters tokens never contain.
    pub fn from_parts(id: WebhookId, token: SecretString) -> Result<Self, WebhookUrlError> {
        check_token(token.expose_secret())?;
        Ok(Self {
            id,
            token,
            thread_id: None,
        })
    }

    /// The same webhook, posting into `thread` (a thread of its channel).
    #[must_use]
    pub fn with_thread_id(mut self, thread: ChannelId) -> Self {
        self.thread_id = Some(thread);
        self
    }

    /// The webhook's id.
    pub fn id(&self) -> WebhookId {
        self.id
    }

    /// The webhook's token. Expose it only to build a request path.
    pub fn token(&self) -> &SecretString {
        &self.token
    }

    /// The thread the URL's `thread_id` names, if any.
    pub fn thread_id(&self) -> Option<ChannelId> {
        self.thread_id
    }
}

/// Splits `/api[/vN]/webhooks/{id}/{token}[/]` into id and token.
fn parse_path(path: &str) -> Result<(WebhookId, String), WebhookUrlError> {
    let mut segments = path.strip_prefix('/').unwrap_or(path).split('/');
    if segments.next() != Some("api") {
        return Err(WebhookUrlError::Path);
    }
    let mut next = segments.next();
    if next.is_some_and(is_version) {
        next = segments.next();
    }
    if next != Some("webhooks") {
        return Err(WebhookUrlError::Path);
    }
    let id = match segments.next() {
        None | Some("") => return Err(WebhookUrlError::MissingId),
        Some(id) => id
            .parse::<WebhookId>()
            .map_err(|_| WebhookUrlError::InvalidId)?,
    };
    let token = match segments.next() {
        None | Some("") => return Err(WebhookUrlError::MissingToken),
        Some(token) => token,
    };
    check_token(token)?;
    // One trailing slash is fine; anything more is not a webhook URL.
    match (segments.next(), segments.next()) {
        (None | Some(""), None) => Ok((id, token.to_owned())),
        _ => Err(WebhookUrlError::ExtraSegments),
    }
}

/// `v` followed by one or more digits, e.g. `v10`.
fn is_version(segment: &str) -> bool {
    segment
        .strip_prefix('v')
        .is_some_and(|digits| !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
}

fn check_token(token: &str) -> Result<(), WebhookUrlError> {
    if token.is_empty() {
        return Err(WebhookUrlError::MissingToken);
    }
    if token
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        Ok(())
    } else {
        Err(WebhookUrlError::InvalidToken)
    }
}

fn parse_query(url: &Url) -> Result<Option<ChannelId>, WebhookUrlError> {
    let mut thread_id = None;
    for (name, value) in url.query_pairs() {
        match &*name {
            "thread_id" => {
                let id = value
                    .parse::<ChannelId>()
                    .map_err(|_| WebhookUrlError::InvalidThreadId)?;
                thread_id = Some(id);
            }
            "wait" | "with_components" => {}
            _ => return Err(WebhookUrlError::UnknownQueryParameter),
        }
    }
    Ok(thread_id)
}

impl FromStr for WebhookUrl {
    type Err = WebhookUrlError;

    fn from_str(text: &str) -> Result<Self, WebhookUrlError> {
        Self::parse(text)
    }
}

impl fmt::Debug for WebhookUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookUrl")
            .field("id", &self.id)
            .field("token", &"[redacted]")
            .field("thread_id", &self.thread_id)
            .finish()
    }
}

impl PartialEq for WebhookUrl {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
            && self.thread_id == other.thread_id
            && self.token.expose_secret() == other.token.expose_secret()
    }
}

impl Eq for WebhookUrl {}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "aB3-x_Yz9QwErTyUiOp";

    fn parse_ok(text: &str) -> WebhookUrl {
        WebhookUrl::parse(text).unwrap_or_else(|error| panic!("{text}: {error}"))
    }

    #[test]
    fn accepts_every_documented_form() {
        let forms = [
            format!("https://discord.com/api/webhooks/123/{TOKEN}"),
            format!("https://discordapp.com/api/webhooks/123/{TOKEN}"),
            format!("https://canary.discord.com/api/webhooks/123/{TOKEN}"),
            format!("https://ptb.discord.com/api/webhooks/123/{TOKEN}"),
            format!("https://canary.discordapp.com/api/webhooks/123/{TOKEN}"),
            format!("https://ptb.discordapp.com/api/webhooks/123/{TOKEN}"),
            format!("https://discord.com/api/v10/webhooks/123/{TOKEN}"),
            format!("https://discord.com/api/v9/webhooks/123/{TOKEN}"),
            format!("https://discord.com/api/webhooks/123/{TOKEN}/"),
            format!("  https://discord.com/api/webhooks/123/{TOKEN}\n"),
            format!("https://DISCORD.com/api/webhooks/123/{TOKEN}"),
            format!("https://discord.com:443/api/webhooks/123/{TOKEN}"),
            format!("https://discord.com/api/webhooks/123/{TOKEN}?wait=true"),
        ];
        for form in forms {
            let url = parse_ok(&form);
            assert_eq!(url.id().get(), 123, "{form}");
            assert_eq!(url.token().expose_secret(), TOKEN, "{form}");
            assert_eq!(url.thread_id(), None, "{form}");
        }
    }

    #[test]
    fn keeps_thread_id_and_ignores_wait() {
        let url = parse_ok(&format!(
            "https://discord.com/api/webhooks/123/{TOKEN}?wait=false&thread_id=456&with_components=true"
        ));
        assert_eq!(url.thread_id().map(ChannelId::get), Some(456));
    }

    #[test]
    fn rejects_each_wrong_form_with_its_reason() {
        use WebhookUrlError as E;
        let cases = [
            ("not a url", E::NotAUrl),
            (
                &*format!("http://discord.com/api/webhooks/1/{TOKEN}"),
                E::Scheme,
            ),
            (
                &*format!("ftp://discord.com/api/webhooks/1/{TOKEN}"),
                E::Scheme,
            ),
            (&*format!("mailto:{TOKEN}@discord.com"), E::NotAUrl),
            (
                &*format!("https://example.com/api/webhooks/1/{TOKEN}"),
                E::Host,
            ),
            (
                &*format!("https://discord.com.evil.io/api/webhooks/1/{TOKEN}"),
                E::Host,
            ),
            (
                &*format!("https://evil-discord.com/api/webhooks/1/{TOKEN}"),
                E::Host,
            ),
            (
                &*format!("https://user:pw@discord.com/api/webhooks/1/{TOKEN}"),
                E::Credentials,
            ),
            (
                &*format!("https://discord.com:8443/api/webhooks/1/{TOKEN}"),
                E::Port,
            ),
            (&*format!("https://discord.com/webhooks/1/{TOKEN}"), E::Path),
            (
                &*format!("https://discord.com/api/vX/webhooks/1/{TOKEN}"),
                E::Path,
            ),
            (
                &*format!("https://discord.com/api/channels/1/{TOKEN}"),
                E::Path,
            ),
            ("https://discord.com/api/webhooks/", E::MissingId),
            ("https://discord.com/api/webhooks", E::MissingId),
            ("https://discord.com/api/webhooks/123", E::MissingToken),
            ("https://discord.com/api/webhooks/123/", E::MissingToken),
            (
                &*format!("https://discord.com/api/webhooks/abc/{TOKEN}"),
                E::InvalidId,
            ),
            (
                &*format!("https://discord.com/api/webhooks/0/{TOKEN}"),
                E::InvalidId,
            ),
            (
                &*format!("https://discord.com/api/webhooks/-1/{TOKEN}"),
                E::InvalidId,
            ),
            (
                "https://discord.com/api/webhooks/1/to%20ken",
                E::InvalidToken,
            ),
            ("https://discord.com/api/webhooks/1/tok.en", E::InvalidToken),
            (
                &*format!("https://discord.com/api/webhooks/1/{TOKEN}/messages/2"),
                E::ExtraSegments,
            ),
            (
                &*format!("https://discord.com/api/webhooks/1/{TOKEN}//"),
                E::ExtraSegments,
            ),
            (
                &*format!("https://discord.com/api/webhooks/1/{TOKEN}?thread_id=x"),
                E::InvalidThreadId,
            ),
            (
                &*format!("https://discord.com/api/webhooks/1/{TOKEN}?thread_id=0"),
                E::InvalidThreadId,
            ),
            (
                &*format!("https://discord.com/api/webhooks/1/{TOKEN}?token=x"),
                E::UnknownQueryParameter,
            ),
            (
                &*format!("https://discord.com/api/webhooks/1/{TOKEN}#frag"),
                E::Fragment,
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(WebhookUrl::parse(text).err(), Some(expected), "{text}");
        }
    }

    #[test]
    fn neither_debug_nor_errors_contain_the_token_or_url() {
        let url = parse_ok(&format!(
            "https://discord.com/api/webhooks/123/{TOKEN}?thread_id=9"
        ));
        let debug = format!("{url:?}");
        assert!(!debug.contains(TOKEN), "{debug}");
        assert!(debug.contains("[redacted]"));
        for bad in [
            format!("http://discord.com/api/webhooks/1/{TOKEN}"),
            format!("https://example.com/api/webhooks/1/{TOKEN}"),
            format!("https://discord.com/api/webhooks/x/{TOKEN}"),
            format!("https://discord.com/api/webhooks/1/{TOKEN}/extra"),
            format!("https://discord.com/api/webhooks/1/{TOKEN}?{TOKEN}=1"),
        ] {
            let error = WebhookUrl::parse(&bad).expect_err("rejected");
            for shown in [error.to_string(), format!("{error:?}")] {
                assert!(!shown.contains(TOKEN), "{shown}");
                assert!(!shown.contains("discord.com/api"), "{shown}");
            }
        }
    }

    #[test]
    fn from_parts_checks_the_token() {
        let id = WebhookId::new(5);
        let url = WebhookUrl::from_parts(id, SecretString::from(TOKEN)).expect("valid");
        assert_eq!(
            url,
            parse_ok(&format!("https://discord.com/api/webhooks/5/{TOKEN}"))
        );
        assert_eq!(
            WebhookUrl::from_parts(id, SecretString::from("")).err(),
            Some(WebhookUrlError::MissingToken)
        );
        assert_eq!(
            WebhookUrl::from_parts(id, SecretString::from("a/b")).err(),
            Some(WebhookUrlError::InvalidToken)
        );
        let threaded = url.with_thread_id(ChannelId::new(7));
        assert_eq!(threaded.thread_id(), Some(ChannelId::new(7)));
    }
}
