//! `bugle_model::interaction::Interaction` parsing on arbitrary bytes: what the
//! interactions endpoint does with every signed body before routing it.
//!
//! Invariants: parsing never panics (an unknown type parses, anything else malformed
//! is an error); a parsed interaction's `kind` and `data` variant agree; its `Debug`
//! is the same whatever its token (so it never shows it).

#![no_main]

use bugle_model::interaction::{Interaction, InteractionData, InteractionToken, InteractionType};
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
    // The token never shows: Debug is the same whatever the token is. (Other fields
    // may hold the same text, an unknown component's raw JSON say; Debug shows those.)
    let mut other = interaction.clone();
    other.token = InteractionToken::new("another token");
    assert_eq!(
        format!("{interaction:?}"),
        format!("{other:?}"),
        "debug shows the token"
    );
});
