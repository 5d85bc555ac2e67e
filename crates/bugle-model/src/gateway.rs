//! The gateway a bot connects to: [`GatewayBot`], the answer of
//! `GET /gateway/bot`.

use serde::{Deserialize, Serialize};

/// Where and how a bot should connect to the gateway.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GatewayBot {
    /// The WebSocket URL to connect to, e.g. `wss://gateway.discord.gg`.
    pub url: String,
    /// The number of shards Discord recommends.
    pub shards: u32,
    /// How many sessions the bot may still start.
    pub session_start_limit: SessionStartLimit,
}

/// How many gateway sessions a bot may start, and when that resets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionStartLimit {
    /// Sessions allowed per reset period.
    pub total: u32,
    /// Sessions left in this period.
    pub remaining: u32,
    /// Milliseconds until the period resets.
    pub reset_after: u64,
    /// Sessions that may identify at once (per 5 seconds).
    pub max_concurrency: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_discords_answer_and_ignores_new_fields() {
        let json = r#"{"url":"wss://gateway.discord.gg","shards":9,"extra":true,
            "session_start_limit":{"total":1000,"remaining":999,"reset_after":14400000,"max_concurrency":1}}"#;
        let gateway: GatewayBot = serde_json::from_str(json).unwrap();
        assert_eq!(gateway.url, "wss://gateway.discord.gg");
        assert_eq!(gateway.shards, 9);
        assert_eq!(
            gateway.session_start_limit,
            SessionStartLimit {
                total: 1000,
                remaining: 999,
                reset_after: 14_400_000,
                max_concurrency: 1,
            }
        );
    }
}
