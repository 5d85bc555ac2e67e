//! `GET /channels/{channel.id}/messages`: a channel's history, newest first, around an
//! anchor (`before`, `after` or `around`) with a `limit`.

use http::StatusCode;

use super::Ctx;
use crate::fake::render::{self, MessageView};
use crate::fake::reply::{HandlerResult, Reply};
use crate::fake::request::Incoming;
use crate::fake::validation::tree::{ErrorTree, Seg};

/// Messages returned when the request sets no `limit`.
const DEFAULT_LIMIT: usize = 50;
/// The fewest messages a `limit` may ask for.
const MIN_LIMIT: i64 = 1;
/// The most messages a `limit` may ask for.
const MAX_LIMIT: i64 = 100;
/// The anchors, of which one at most may be set.
const ANCHORS: [&str; 3] = ["around", "before", "after"];

/// Where the page sits relative to its anchor message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Anchor {
    /// The newest messages.
    Latest,
    /// Messages older than the id.
    Before(u64),
    /// Messages newer than the id (the oldest of them).
    After(u64),
    /// Messages on both sides of the id, the id included.
    Around(u64),
}

/// The decoded query: a limit and an anchor, with every problem in one 50035 tree.
fn page(req: &Incoming) -> Result<(usize, Anchor), Reply> {
    let mut tree = ErrorTree::new();
    let limit = match req.query("limit") {
        None => Some(DEFAULT_LIMIT),
        Some(raw) => match raw.parse::<i64>() {
            Err(_) => {
                tree.push(
                    &[Seg::Key("limit")],
                    "NUMBER_TYPE_COERCE",
                    format!("Value \"{raw}\" is not int."),
                );
                None
            }
            Ok(n) if n < MIN_LIMIT => {
                tree.push(
                    &[Seg::Key("limit")],
                    "NUMBER_TYPE_MIN",
                    format!("int value should be greater than or equal to {MIN_LIMIT}."),
                );
                None
            }
            Ok(n) if n > MAX_LIMIT => {
                tree.push(
                    &[Seg::Key("limit")],
                    "NUMBER_TYPE_MAX",
                    format!("int value should be less than or equal to {MAX_LIMIT}."),
                );
                None
            }
            Ok(n) => usize::try_from(n).ok(),
        },
    };
    let mut anchors = Vec::new();
    for key in ANCHORS {
        let Some(raw) = req.query(key) else { continue };
        let valid = !raw.is_empty() && raw.bytes().all(|b| b.is_ascii_digit());
        match raw.parse::<u64>().ok().filter(|_| valid) {
            Some(id) => anchors.push((key, id)),
            None => tree.push(
                &[Seg::Key(key)],
                "NUMBER_TYPE_COERCE",
                format!("Value \"{raw}\" is not snowflake."),
            ),
        }
    }
    if let [(first, _), rest @ ..] = anchors.as_slice() {
        for (key, _) in rest {
            tree.push(
                &[Seg::Key(key)],
                "QUERY_PARAMS_EXCLUSIVE",
                format!("Only one of around, before and after may be set; {first} is set too."),
            );
        }
    }
    tree.finish()?;
    let anchor = match anchors.first() {
        None => Anchor::Latest,
        Some(&("around", id)) => Anchor::Around(id),
        Some(&("before", id)) => Anchor::Before(id),
        Some(&(_, id)) => Anchor::After(id),
    };
    Ok((limit.unwrap_or(DEFAULT_LIMIT), anchor))
}

/// The ids of the page, newest first, from `ids` sorted oldest first.
fn select(ids: &[u64], limit: usize, anchor: Anchor) -> Vec<u64> {
    let newest_first = |slice: &[u64]| slice.iter().rev().copied().collect::<Vec<_>>();
    // The index of the first id greater than `id` (or, with `inclusive`, at least `id`).
    let split =
        |id: u64, inclusive: bool| ids.partition_point(|&m| m < id || (!inclusive && m == id));
    match anchor {
        Anchor::Latest => newest_first(&ids[ids.len().saturating_sub(limit)..]),
        Anchor::Before(id) => {
            let end = split(id, true);
            newest_first(&ids[end.saturating_sub(limit)..end])
        }
        Anchor::After(id) => {
            let start = split(id, false);
            newest_first(&ids[start..ids.len().min(start + limit)])
        }
        Anchor::Around(id) => {
            // Half the page after the anchor, the rest at and before it: a limit of 1
            // returns the anchor itself.
            let newer = limit / 2;
            let middle = split(id, false);
            let start = middle.saturating_sub(limit - newer);
            newest_first(&ids[start..ids.len().min(middle + newer)])
        }
    }
}

/// `GET /channels/{channel.id}/messages`
pub(super) fn list(ctx: &mut Ctx<'_>, req: &Incoming) -> HandlerResult {
    let channel_id = req.route.channel_id.unwrap_or_default();
    ctx.channel(channel_id)?;
    let (limit, anchor) = page(req)?;
    let ids: Vec<u64> = ctx
        .state
        .channel_messages(channel_id)
        .map(|m| m.id)
        .collect();
    let mut page = vec![b'['];
    for (n, id) in select(&ids, limit, anchor).into_iter().enumerate() {
        if n > 0 {
            page.push(b',');
        }
        let rec = &ctx.state.messages[&id];
        let body = render::message_body(ctx.state, rec, ctx.settings.bot_id, MessageView::FETCHED);
        page.extend(body);
    }
    page.push(b']');
    Ok(Reply::encoded_json(StatusCode::OK, page))
}

#[cfg(test)]
mod tests {
    use super::*;

    const IDS: [u64; 6] = [10, 20, 30, 40, 50, 60];

    #[test]
    fn latest_is_the_newest_first() {
        assert_eq!(select(&IDS, 3, Anchor::Latest), [60, 50, 40]);
        assert_eq!(select(&IDS, 50, Anchor::Latest), [60, 50, 40, 30, 20, 10]);
        assert!(select(&[], 50, Anchor::Latest).is_empty());
    }

    #[test]
    fn before_and_after_exclude_the_anchor() {
        assert_eq!(select(&IDS, 2, Anchor::Before(40)), [30, 20]);
        assert_eq!(select(&IDS, 2, Anchor::Before(35)), [30, 20]);
        assert_eq!(select(&IDS, 9, Anchor::Before(10)), Vec::<u64>::new());
        assert_eq!(select(&IDS, 2, Anchor::After(20)), [40, 30]);
        assert_eq!(select(&IDS, 2, Anchor::After(25)), [40, 30]);
        assert_eq!(select(&IDS, 9, Anchor::After(60)), Vec::<u64>::new());
    }

    #[test]
    fn around_takes_half_after_and_the_rest_at_and_before() {
        assert_eq!(select(&IDS, 1, Anchor::Around(30)), [30]);
        assert_eq!(select(&IDS, 2, Anchor::Around(30)), [40, 30]);
        assert_eq!(select(&IDS, 3, Anchor::Around(30)), [40, 30, 20]);
        assert_eq!(select(&IDS, 4, Anchor::Around(30)), [50, 40, 30, 20]);
        assert_eq!(
            select(&IDS, 100, Anchor::Around(30)),
            [60, 50, 40, 30, 20, 10]
        );
        assert_eq!(select(&IDS, 2, Anchor::Around(35)), [40, 30]);
    }
}
