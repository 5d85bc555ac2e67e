//! The async layer: a mutex around [`State`], tokio sleeps, and wakers.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};

use tokio::time::{Instant, Sleep};

use crate::config::RateLimitConfig;
use crate::error::RateLimitError;
use crate::key::RequestKey;
use crate::outcome::Outcome;
use crate::snapshot::RateLimitSnapshot;
use crate::state::{State, Step, Ticket, WaiterId};

/// The rate limiter. Cheap to clone (clones share state); `Send + Sync`; needs no
/// background task and can be built outside a tokio runtime.
#[derive(Clone)]
pub struct RateLimiter {
    state: Arc<Mutex<State>>,
}

impl fmt::Debug for RateLimiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RateLimiter").finish_non_exhaustive()
    }
}

impl Default for RateLimiter {
    fn default() -> Self {
        Self::new(RateLimitConfig::default())
    }
}

impl RateLimiter {
    /// A rate limiter with `config`.
    pub fn new(config: RateLimitConfig) -> Self {
        Self {
            state: Arc::new(Mutex::new(State::new(config, Instant::now()))),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits until the request described by `key` may be sent, or fails at once when it
    /// cannot be (queue full, deadline unreachable, ban, invalid token, dead webhook).
    ///
    /// Cancellation-safe: dropping the future gives its place in the queue back.
    pub fn acquire(&self, key: RequestKey) -> Acquire {
        Acquire {
            limiter: self.clone(),
            key,
            waiter: None,
            sleep: None,
        }
    }

    /// What the engine is tracking now.
    pub fn snapshot(&self) -> RateLimitSnapshot {
        self.lock().snapshot(Instant::now())
    }

    /// Lets bot requests through again after a 401 (call after replacing the token).
    pub fn clear_token_invalid(&self) {
        self.lock().clear_token_invalid();
    }

    /// The configuration.
    pub fn config(&self) -> RateLimitConfig {
        self.lock().config().clone()
    }

    fn finish(&self, ticket: Ticket, outcome: Option<Outcome>) {
        let wakes = {
            let mut state = self.lock();
            let now = Instant::now();
            match outcome {
                Some(outcome) => state.complete(ticket, &outcome, now),
                None => state.release(ticket, now),
            }
            state.take_wakes()
        };
        wakes.into_iter().for_each(std::task::Waker::wake);
    }
}

/// The future returned by [`RateLimiter::acquire`].
#[must_use = "futures do nothing unless awaited"]
pub struct Acquire {
    limiter: RateLimiter,
    key: RequestKey,
    waiter: Option<WaiterId>,
    sleep: Option<Pin<Box<Sleep>>>,
}

impl fmt::Debug for Acquire {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Acquire")
            .field("key", &self.key)
            .field("queued", &self.waiter.is_some())
            .finish_non_exhaustive()
    }
}

impl Future for Acquire {
    type Output = Result<Permit, RateLimitError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        loop {
            let (step, wakes) = {
                let mut state = this.limiter.lock();
                let now = Instant::now();
                let step = match this.waiter {
                    None => state.try_acquire(&this.key, now),
                    Some(id) => state.poll_waiter(id, now, Some(cx.waker())),
                };
                // A fresh waiter registers its waker now.
                if let (None, Step::Wait { waiter, .. }) = (this.waiter, &step) {
                    state.poll_waiter(*waiter, now, Some(cx.waker()));
                }
                (step, state.take_wakes())
            };
            wakes.into_iter().for_each(std::task::Waker::wake);
            match step {
                Step::Go(ticket) => {
                    this.waiter = None;
                    return Poll::Ready(Ok(Permit {
                        limiter: this.limiter.clone(),
                        ticket: Some(ticket),
                    }));
                }
                Step::Fail(error) => {
                    this.waiter = None;
                    return Poll::Ready(Err(error));
                }
                Step::Wait { waiter, until } => {
                    this.waiter = Some(waiter);
                    let Some(until) = until else {
                        this.sleep = None;
                        return Poll::Pending;
                    };
                    match this.sleep.as_mut() {
                        Some(sleep) => sleep.as_mut().reset(until),
                        None => this.sleep = Some(Box::pin(tokio::time::sleep_until(until))),
                    }
                    let sleep = this.sleep.as_mut().expect("set above");
                    if sleep.as_mut().poll(cx).is_pending() {
                        return Poll::Pending;
                    }
                }
            }
        }
    }
}

impl Drop for Acquire {
    fn drop(&mut self) {
        if let Some(id) = self.waiter.take() {
            let wakes = {
                let mut state = self.limiter.lock();
                state.cancel(id);
                state.take_wakes()
            };
            wakes.into_iter().for_each(std::task::Waker::wake);
        }
    }
}

/// Permission to send one request. Report what happened with [`Permit::complete`];
/// dropping it uncompleted means the request was not sent, and gives back everything it
/// reserved.
#[must_use = "complete the permit with the response, or drop it if the request was not sent"]
pub struct Permit {
    limiter: RateLimiter,
    ticket: Option<Ticket>,
}

impl fmt::Debug for Permit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let bucket = self.ticket.as_ref().map(|t| t.bucket.to_string());
        f.debug_struct("Permit")
            .field("bucket", &bucket)
            .finish_non_exhaustive()
    }
}

impl Permit {
    /// Reports the response (or its absence, [`Outcome::no_response`]).
    pub fn complete(mut self, outcome: Outcome) {
        if let Some(ticket) = self.ticket.take() {
            self.limiter.finish(ticket, Some(outcome));
        }
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        if let Some(ticket) = self.ticket.take() {
            self.limiter.finish(ticket, None);
        }
    }
}
