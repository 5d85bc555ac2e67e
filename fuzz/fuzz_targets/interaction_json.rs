//! `bugle_model::interaction::Interaction` parsing on arbitrary bytes: what the
//! interactions endpoint does with every signed body before routing it.
//!
//! Invariants: parsing never panics (an unknown type parses, anything else malformed
//! is an error); a parsed interaction's `kind` and `data` variant agree; its `Debug`
//! never shows the token.

#![no_main]

use bugle_model::interaction::{Interaction, InteractionData, InteractionType};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let Ok(interaction) = serde_json::from_slice::<Interaction>(bytes) else {
        return;
    };
    let agrees = matches!(
        (&interaction.kind, &interaction.data),
        (InteractionType::Ping, InteractionData::Ping)
            | (InteractionType::ApplicationCommand, InteractionData::Command(_))
            | (InteractionType::MessageComponent, InteractionData::Component(_))
            | (InteractionType::Autocomplete, InteractionData::Autocomplete(_))
            | (InteractionType::ModalSubmit, InteractionData::ModalSubmit(_))
            | (InteractionType::Unknown(_), InteractionData::Unknown { .. })
    );
    assert!(agrees, "{:?} with {:?}", interaction.kind, interaction.data);
    let token = interaction.token.expose();
    if token.len() > 24 && !token.contains(|c: char| c.is_ascii_digit() || c == '"' || c == '\\') {
        let debug = format!("{interaction:?}");
        assert!(!debug.contains(token), "debug shows the token");
    }
});
