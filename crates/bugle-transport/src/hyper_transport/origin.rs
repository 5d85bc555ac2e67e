//! The part of a request URI that errors and logs may show: scheme and host, never the
//! path or query (a webhook token lives in the path).

use std::fmt;

use http::uri::Authority;
use http::{HeaderValue, Uri};

use crate::TransportError;

/// The scheme a request uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scheme {
    Http,
    Https,
}

/// Scheme, host and port of a request: safe to print.
///
/// It keeps the URI's authority (shared with the URI, not copied: one is made for every
/// request) and prints only its host and port, never user info.
#[derive(Debug, Clone, Eq)]
pub(crate) struct Origin {
    scheme: Scheme,
    authority: Authority,
}

impl Origin {
    /// Checks that `uri` is absolute with an `http` or `https` scheme and a host.
    pub(crate) fn of(uri: &Uri) -> Result<Self, TransportError> {
        let scheme = match uri.scheme_str() {
            Some(s) if s.eq_ignore_ascii_case("https") => Scheme::Https,
            Some(s) if s.eq_ignore_ascii_case("http") => Scheme::Http,
            Some(_) => {
                return Err(TransportError::invalid_request(
                    "the request URI's scheme is neither https nor http; use an https URI",
                ));
            }
            None => {
                return Err(TransportError::invalid_request(
                    "the request URI is not absolute; give a full https URI",
                ));
            }
        };
        let Some(authority) = uri.authority().filter(|a| !a.host().is_empty()) else {
            return Err(TransportError::invalid_request(
                "the request URI has no host; give a full https URI",
            ));
        };
        Ok(Self {
            scheme,
            authority: authority.clone(),
        })
    }

    /// The request's scheme.
    pub(crate) fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// The `Host` header of an HTTP/1.1 request to this origin: the host, and the port
    /// when it is not the scheme's default.
    pub(crate) fn host_header(&self) -> HeaderValue {
        let host = self.authority.host();
        let default = match self.scheme {
            Scheme::Http => 80,
            Scheme::Https => 443,
        };
        let value = match self.authority.port_u16() {
            Some(port) if port != default => HeaderValue::from_str(&format!("{host}:{port}")),
            _ => HeaderValue::from_str(host),
        };
        // An authority's host and port are valid header text.
        value.expect("a uri authority is a valid header value")
    }
}

impl PartialEq for Origin {
    /// Same scheme and authority. The authorities' bytes are compared first: a client's
    /// requests all spell their origin the same way, and `Authority`'s own comparison
    /// ignores case byte by byte (it runs on every checkout and return of a connection).
    fn eq(&self, other: &Self) -> bool {
        self.scheme == other.scheme
            && (self.authority.as_str() == other.authority.as_str()
                || self.authority == other.authority)
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = match self.scheme {
            Scheme::Http => "http",
            Scheme::Https => "https",
        };
        write!(f, "{scheme}://{}", self.authority.host())?;
        if let Some(port) = self.authority.port_u16() {
            write!(f, ":{port}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_drops_path_query_and_userinfo() {
        let uri: Uri = "https://user:pw@discord.com:8443/api/webhooks/1/secret-token?wait=true"
            .parse()
            .unwrap();
        let origin = Origin::of(&uri).unwrap();
        assert_eq!(origin.to_string(), "https://discord.com:8443");
        let no_port: Uri = "http://127.0.0.1/api".parse().unwrap();
        assert_eq!(
            Origin::of(&no_port).unwrap().to_string(),
            "http://127.0.0.1"
        );
        let ipv6: Uri = "https://[::1]:8443/api".parse().unwrap();
        assert_eq!(Origin::of(&ipv6).unwrap().to_string(), "https://[::1]:8443");
    }

    #[test]
    fn host_header_names_the_port_only_when_it_is_not_the_default() {
        let header = |uri: &str| Origin::of(&uri.parse().unwrap()).unwrap().host_header();
        assert_eq!(header("https://discord.com/api"), "discord.com");
        assert_eq!(header("https://discord.com:443/api"), "discord.com");
        assert_eq!(
            header("https://user:pw@discord.com:8443/api"),
            "discord.com:8443"
        );
        assert_eq!(header("http://127.0.0.1:80/api"), "127.0.0.1");
        assert_eq!(header("http://127.0.0.1:8080/api"), "127.0.0.1:8080");
        assert_eq!(header("https://[::1]:8443/api"), "[::1]:8443");
    }

    #[test]
    fn origins_compare_scheme_and_authority_ignoring_case() {
        let origin = |uri: &str| Origin::of(&uri.parse().unwrap()).unwrap();
        assert_eq!(
            origin("https://discord.com/a"),
            origin("https://discord.com/b?x=1")
        );
        assert_eq!(
            origin("https://Discord.COM/a"),
            origin("https://discord.com/a")
        );
        assert_ne!(
            origin("https://discord.com/a"),
            origin("http://discord.com/a")
        );
        assert_ne!(
            origin("https://discord.com/a"),
            origin("https://discord.com:8443/a")
        );
    }

    #[test]
    fn relative_and_foreign_schemes_are_invalid() {
        let relative: Uri = "/api/v10/channels".parse().unwrap();
        let ftp: Uri = "ftp://example.com/x".parse().unwrap();
        for uri in [relative, ftp] {
            let err = Origin::of(&uri).unwrap_err();
            assert_eq!(err.kind(), crate::TransportErrorKind::InvalidRequest);
            assert!(!err.request_may_have_been_sent());
        }
    }
}
