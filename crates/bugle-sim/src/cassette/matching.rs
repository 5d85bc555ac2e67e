//! Choosing the recorded interaction that answers a request.
//!
//! 1. Exact: same key (method, operation, path, query, normalised body).
//! 2. Fuzzy (unless turned off): same method, operation and normalised body; the ids in
//!    the path or the query may differ.
//! 3. Otherwise a [`NoMatch`] naming the nearest interactions with a field diff.
//!
//! Identical requests take their interactions in recorded order (so a 429 then a 200 replay
//! in that order). By default replay is ordered: a request may only take an interaction
//! recorded after the last one served; order-free matching lifts that. An interaction
//! answers once, unless repeats are allowed, when the last matching one answers again.

use super::error::{FieldDiff, NearestInteraction, NoMatch};
use super::format::Cassette;
use super::normalise::Identity;

/// How a replayer matches requests to recorded interactions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
#[must_use]
pub struct ReplayOptions {
    /// Requests may take interactions in any order, not only after the last one served
    /// (for concurrent senders). Default `false`.
    pub order_free: bool,
    /// An interaction may answer again once every match was used. Default `false`.
    pub allow_repeats: bool,
    /// Fall back to an interaction with the same operation and body whose path ids or
    /// query differ. Default `true`.
    pub fuzzy: bool,
}

impl Default for ReplayOptions {
    fn default() -> Self {
        Self {
            order_free: false,
            allow_repeats: false,
            fuzzy: true,
        }
    }
}

impl ReplayOptions {
    /// Sets [`order_free`](Self::order_free).
    pub fn order_free(mut self, order_free: bool) -> Self {
        self.order_free = order_free;
        self
    }

    /// Sets [`allow_repeats`](Self::allow_repeats).
    pub fn allow_repeats(mut self, allow: bool) -> Self {
        self.allow_repeats = allow;
        self
    }

    /// Sets [`fuzzy`](Self::fuzzy).
    pub fn fuzzy(mut self, fuzzy: bool) -> Self {
        self.fuzzy = fuzzy;
        self
    }
}

/// How many nearest interactions a [`NoMatch`] names.
const NEAREST: usize = 3;
/// How many differing fields are listed per interaction.
const MAX_DIFFS: usize = 8;
/// Longest value shown in a diff, in characters.
const MAX_VALUE_CHARS: usize = 80;

#[derive(Debug)]
struct Entry {
    id: u32,
    identity: Identity,
    key: String,
    fuzzy_key: String,
    uses: u32,
}

/// The matching state of one replay.
#[derive(Debug)]
pub(crate) struct Matcher {
    entries: Vec<Entry>,
    options: ReplayOptions,
    /// Index of the latest interaction served.
    cursor: Option<usize>,
}

impl Matcher {
    pub(crate) fn new(cassette: &Cassette, options: ReplayOptions) -> Self {
        let entries = cassette
            .interactions
            .iter()
            .map(|interaction| {
                let identity = Identity::recorded(&interaction.request, &interaction.operation);
                Entry {
                    id: interaction.id,
                    key: identity.key(),
                    fuzzy_key: identity.fuzzy_key(),
                    identity,
                    uses: 0,
                }
            })
            .collect();
        Self {
            entries,
            options,
            cursor: None,
        }
    }

    /// The index of the interaction that answers `request`, marked used.
    pub(crate) fn take(&mut self, request: &Identity) -> Result<usize, NoMatch> {
        let key = request.key();
        let fuzzy_key = request.fuzzy_key();
        let exact = |e: &Entry| e.key == key;
        let fuzzy = |e: &Entry| self.options.fuzzy && e.fuzzy_key == fuzzy_key;
        let in_order = |i: usize| self.options.order_free || self.cursor.is_none_or(|c| i > c);
        let unused_in_order = |pred: &dyn Fn(&Entry) -> bool| {
            self.entries
                .iter()
                .enumerate()
                .position(|(i, e)| e.uses == 0 && in_order(i) && pred(e))
        };
        let found = unused_in_order(&exact)
            .or_else(|| unused_in_order(&fuzzy))
            .or_else(|| {
                if !self.options.allow_repeats {
                    return None;
                }
                let last = |pred: &dyn Fn(&Entry) -> bool| {
                    self.entries.iter().rposition(|e| e.uses > 0 && pred(e))
                };
                last(&exact).or_else(|| last(&fuzzy))
            });
        if let Some(index) = found {
            self.entries[index].uses += 1;
            self.cursor = Some(self.cursor.map_or(index, |c| c.max(index)));
            return Ok(index);
        }
        Err(self.no_match(request, &key))
    }

    fn no_match(&self, request: &Identity, key: &str) -> NoMatch {
        let already_used = self
            .entries
            .iter()
            .find(|e| e.key == key && e.uses > 0)
            .map(|e| e.id);
        let out_of_order = self
            .entries
            .iter()
            .find(|e| e.key == key && e.uses == 0)
            .map(|e| e.id);
        let flat = request.flatten();
        let mut scored: Vec<(usize, &Entry, Vec<FieldDiff>)> = self
            .entries
            .iter()
            .map(|e| {
                let diffs = diff(&e.identity.flatten(), &flat);
                let penalty = usize::from(e.identity.operation != request.operation) * 1000
                    + usize::from(e.uses > 0) * 100
                    + diffs.len();
                (penalty, e, diffs)
            })
            .collect();
        scored.sort_by_key(|(penalty, e, _)| (*penalty, e.id));
        NoMatch {
            operation: request.operation.clone(),
            path: request.route.clone(),
            already_used,
            out_of_order,
            nearest: scored
                .into_iter()
                .take(NEAREST)
                .map(|(_, e, mut differences)| {
                    differences.truncate(MAX_DIFFS);
                    NearestInteraction {
                        id: e.id,
                        operation: e.identity.operation.clone(),
                        uses: e.uses,
                        differences,
                    }
                })
                .collect(),
        }
    }

    /// Ids of the interactions never served, in cassette order.
    pub(crate) fn unused(&self) -> Vec<u32> {
        self.entries
            .iter()
            .filter(|e| e.uses == 0)
            .map(|e| e.id)
            .collect()
    }
}

fn shorten(value: &str) -> String {
    if value.chars().count() <= MAX_VALUE_CHARS {
        return value.to_owned();
    }
    let mut short: String = value.chars().take(MAX_VALUE_CHARS).collect();
    short.push('…');
    short
}

fn diff(
    recorded: &std::collections::BTreeMap<String, String>,
    requested: &std::collections::BTreeMap<String, String>,
) -> Vec<FieldDiff> {
    let mut out = Vec::new();
    for (field, value) in recorded {
        match requested.get(field) {
            Some(other) if other == value => {}
            other => out.push(FieldDiff {
                field: field.clone(),
                recorded: Some(shorten(value)),
                requested: other.map(|v| shorten(v)),
            }),
        }
    }
    for (field, value) in requested {
        if !recorded.contains_key(field) {
            out.push(FieldDiff {
                field: field.clone(),
                recorded: None,
                requested: Some(shorten(value)),
            });
        }
    }
    out
}
