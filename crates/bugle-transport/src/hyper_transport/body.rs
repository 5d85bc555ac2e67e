//! [`RequestBody`]: a request's bytes that note when hyper first reads them.
//!
//! A request with a body cannot be acted on until its body has left: Discord waits for
//! every byte its `Content-Length` announces (HTTP/1.1) or for the end of the stream
//! (HTTP/2). hyper reads the body only once the request has a connection and its head
//! is encoded, so a body never read means nothing that could take effect was sent. That
//! is the signal a timed-out attempt needs, and a flag gives it for one small allocation,
//! where watching for the connection costs a channel per request.

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::{Body, Frame, SizeHint};

/// A request body that sets a shared flag the first time it is polled.
#[derive(Debug)]
pub(crate) struct RequestBody {
    bytes: Full<Bytes>,
    read: Option<Arc<AtomicBool>>,
}

impl RequestBody {
    /// `bytes`, with no flag: for a transport without a request timeout, and for an
    /// empty body, which hyper never reads.
    pub(crate) fn new(bytes: Bytes) -> Self {
        Self {
            bytes: Full::new(bytes),
            read: None,
        }
    }

    /// `bytes`, and the flag that turns `true` once hyper starts reading them.
    pub(crate) fn watched(bytes: Bytes) -> (Self, Arc<AtomicBool>) {
        let read = Arc::new(AtomicBool::new(false));
        let body = Self {
            bytes: Full::new(bytes),
            read: Some(Arc::clone(&read)),
        };
        (body, read)
    }
}

impl Body for RequestBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        let this = self.get_mut();
        if let Some(read) = this.read.take() {
            read.store(true, Ordering::Release);
        }
        Pin::new(&mut this.bytes).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.bytes.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.bytes.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt as _;

    #[tokio::test]
    async fn the_flag_turns_when_the_body_is_first_read_and_the_bytes_are_unchanged() {
        let (body, read) = RequestBody::watched(Bytes::from_static(b"{\"content\":\"hi\"}"));
        assert_eq!(body.size_hint().exact(), Some(16));
        assert!(!read.load(Ordering::Acquire));
        let bytes = body.collect().await.unwrap().to_bytes();
        assert_eq!(&bytes[..], b"{\"content\":\"hi\"}");
        assert!(read.load(Ordering::Acquire));
    }

    #[test]
    fn an_empty_body_is_at_its_end_before_any_read() {
        // hyper never polls such a body, which is why the transport watches the
        // connection instead for requests without one.
        assert!(RequestBody::new(Bytes::new()).is_end_stream());
        assert!(!RequestBody::new(Bytes::from_static(b"x")).is_end_stream());
    }
}
