//! [`RouteTemplate`]: the name of the endpoint a request calls, carried beside it.

use std::fmt;

/// The route template of a request: its path with ids and tokens replaced by named
/// placeholders, such as `/channels/{channel_id}/messages/{message_id}` (no API prefix,
/// no query).
///
/// A client that knows which endpoint it calls puts one on the request's
/// [`http::Extensions`], so a transport that names requests (a cassette recorder or
/// replayer) reads the name instead of parsing the path back. It is never a concrete
/// path: it holds no id and no token.
///
/// ```
/// use bugle_transport::RouteTemplate;
///
/// let mut request = http::Request::new(bytes::Bytes::new());
/// request
///     .extensions_mut()
///     .insert(RouteTemplate::new("/channels/{channel_id}/messages"));
/// assert_eq!(
///     RouteTemplate::of(&request).map(RouteTemplate::as_str),
///     Some("/channels/{channel_id}/messages")
/// );
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RouteTemplate(&'static str);

impl RouteTemplate {
    /// The template `template`, which must hold placeholders, never an id or a token.
    pub const fn new(template: &'static str) -> Self {
        Self(template)
    }

    /// The template.
    pub const fn as_str(self) -> &'static str {
        self.0
    }

    /// The template carried by `request`'s extensions, if any.
    pub fn of<B>(request: &http::Request<B>) -> Option<Self> {
        request.extensions().get::<Self>().copied()
    }
}

impl fmt::Display for RouteTemplate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}
