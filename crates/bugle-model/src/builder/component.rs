//! Builder methods on the component types: buttons by style, selects,
//! select options and action rows.

use crate::component::{
    ActionRow, Button, ButtonStyle, ChannelSelect, Component, EntitySelect, SelectOption,
    StringSelect,
};
use crate::emoji::PartialEmoji;
use crate::id::SkuId;

impl Button {
    /// A primary (blurple) button sending `custom_id` when clicked.
    pub fn primary(custom_id: impl Into<String>, label: impl Into<String>) -> Self {
        Self::new(ButtonStyle::Primary, custom_id, label)
    }

    /// A secondary (grey) button.
    pub fn secondary(custom_id: impl Into<String>, label: impl Into<String>) -> Self {
        Self::new(ButtonStyle::Secondary, custom_id, label)
    }

    /// A success (green) button.
    pub fn success(custom_id: impl Into<String>, label: impl Into<String>) -> Self {
        Self::new(ButtonStyle::Success, custom_id, label)
    }

    /// A danger (red) button.
    pub fn danger(custom_id: impl Into<String>, label: impl Into<String>) -> Self {
        Self::new(ButtonStyle::Danger, custom_id, label)
    }

    /// A premium button offering the SKU `sku` (no label, emoji, URL or custom id).
    pub fn premium(sku: SkuId) -> Self {
        Self {
            id: None,
            style: ButtonStyle::Premium,
            label: None,
            emoji: None,
            custom_id: None,
            sku_id: Some(sku),
            url: None,
            disabled: false,
        }
    }

    /// Shows `emoji` on the button.
    #[must_use]
    pub fn with_emoji(mut self, emoji: PartialEmoji) -> Self {
        self.emoji = Some(emoji);
        self
    }

    /// Greys the button out (or not).
    #[must_use]
    pub fn with_disabled(mut self, disabled: bool) -> Self {
        self.disabled = disabled;
        self
    }
}

impl SelectOption {
    /// Sets the description under the label (at most 100 chars).
    #[must_use]
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Shows `emoji` beside the label.
    #[must_use]
    pub fn with_emoji(mut self, emoji: PartialEmoji) -> Self {
        self.emoji = Some(emoji);
        self
    }

    /// Pre-selects the option (or not).
    #[must_use]
    pub fn selected(mut self, selected: bool) -> Self {
        self.default = selected;
        self
    }
}

impl StringSelect {
    /// A select of text options sending `custom_id`; add 1 to 25 options.
    pub fn new(custom_id: impl Into<String>) -> Self {
        Self {
            custom_id: custom_id.into(),
            ..Self::default()
        }
    }

    /// Adds an option.
    #[must_use]
    pub fn option(mut self, option: SelectOption) -> Self {
        self.options.push(option);
        self
    }

    /// Sets the text shown when nothing is chosen (at most 150 chars).
    #[must_use]
    pub fn with_placeholder(mut self, placeholder: impl Into<String>) -> Self {
        self.placeholder = Some(placeholder.into());
        self
    }

    /// Sets how many options may be chosen: `min` 0 to 25, `max` 1 to 25.
    #[must_use]
    pub fn values(mut self, min: u8, max: u8) -> Self {
        self.min_values = Some(min);
        self.max_values = Some(max);
        self
    }
}

impl EntitySelect {
    /// A user, role or mentionable select sending `custom_id`; turn it into
    /// a component with [`into_user_select`](Self::into_user_select) and friends.
    pub fn new(custom_id: impl Into<String>) -> Self {
        Self {
            custom_id: custom_id.into(),
            ..Self::default()
        }
    }

    /// Sets the text shown when nothing is chosen (at most 150 chars).
    #[must_use]
    pub fn with_placeholder(mut self, placeholder: impl Into<String>) -> Self {
        self.placeholder = Some(placeholder.into());
        self
    }

    /// Sets how many entries may be chosen: `min` 0 to 25, `max` 1 to 25.
    #[must_use]
    pub fn values(mut self, min: u8, max: u8) -> Self {
        self.min_values = Some(min);
        self.max_values = Some(max);
        self
    }

    /// A select of users.
    pub fn into_user_select(self) -> Component {
        Component::UserSelect(self)
    }

    /// A select of roles.
    pub fn into_role_select(self) -> Component {
        Component::RoleSelect(self)
    }

    /// A select of users and roles.
    pub fn into_mentionable_select(self) -> Component {
        Component::MentionableSelect(self)
    }
}

impl ChannelSelect {
    /// A select of channels sending `custom_id`.
    pub fn new(custom_id: impl Into<String>) -> Self {
        Self {
            custom_id: custom_id.into(),
            ..Self::default()
        }
    }
}

impl ActionRow {
    /// A row of 1 to 5 buttons.
    pub fn buttons(buttons: impl IntoIterator<Item = Button>) -> Self {
        Self::new(buttons)
    }

    /// A row holding one select.
    pub fn select(select: impl Into<Component>) -> Self {
        Self {
            id: None,
            components: vec![select.into()],
        }
    }

    /// Adds a component to the row.
    #[must_use]
    pub fn with(mut self, component: impl Into<Component>) -> Self {
        self.components.push(component.into());
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn buttons_by_style() {
        let row = ActionRow::buttons([
            Button::primary("a", "A"),
            Button::secondary("b", "B"),
            Button::success("c", "C"),
            Button::danger("d", "D").with_disabled(true),
        ])
        .with(Button::premium(SkuId::new(9)));
        assert_eq!(
            serde_json::to_value(Component::from(row)).unwrap(),
            json!({"type": 1, "components": [
                {"type": 2, "style": 1, "custom_id": "a", "label": "A"},
                {"type": 2, "style": 2, "custom_id": "b", "label": "B"},
                {"type": 2, "style": 3, "custom_id": "c", "label": "C"},
                {"type": 2, "style": 4, "custom_id": "d", "label": "D", "disabled": true},
                {"type": 2, "style": 6, "sku_id": "9"},
            ]})
        );
    }

    #[test]
    fn string_select_with_options() {
        let select = StringSelect::new("env")
            .option(
                SelectOption::new("Production", "prod")
                    .with_description("careful")
                    .selected(true),
            )
            .option(SelectOption::new("Staging", "stage").with_emoji(PartialEmoji::unicode("🧪")))
            .with_placeholder("pick one")
            .values(1, 2);
        assert_eq!(
            serde_json::to_value(Component::from(ActionRow::select(select))).unwrap(),
            json!({"type": 1, "components": [{
                "type": 3, "custom_id": "env", "placeholder": "pick one", "min_values": 1, "max_values": 2,
                "options": [
                    {"label": "Production", "value": "prod", "description": "careful", "default": true},
                    {"label": "Staging", "value": "stage", "emoji": {"id": null, "name": "🧪"}},
                ],
            }]})
        );
    }

    #[test]
    fn entity_selects_pick_their_type() {
        let users = EntitySelect::new("who").values(0, 3).into_user_select();
        assert_eq!(serde_json::to_value(&users).unwrap()["type"], json!(5));
        assert_eq!(
            serde_json::to_value(EntitySelect::new("r").into_role_select()).unwrap()["type"],
            json!(6)
        );
        let mentionable = EntitySelect::new("m")
            .with_placeholder("x")
            .into_mentionable_select();
        assert_eq!(
            serde_json::to_value(&mentionable).unwrap()["type"],
            json!(7)
        );
        assert_eq!(
            serde_json::to_value(Component::from(ChannelSelect::new("c"))).unwrap()["type"],
            json!(8)
        );
    }
}
