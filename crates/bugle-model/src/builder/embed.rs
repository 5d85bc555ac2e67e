//! [`EmbedBuilder`]: builds an [`Embed`] field by field.

use time::OffsetDateTime;

use super::Colour;
use crate::embed::{Embed, EmbedAuthor, EmbedField, EmbedFooter, EmbedImage, EmbedThumbnail};

/// Builds an [`Embed`] fluently; start with [`Embed::builder`] or
/// [`EmbedBuilder::new`].
///
/// The builder does not check limits; validating the message that carries
/// the embed does (see [`validate`](crate::validate)).
///
/// ```
/// use bugle_model::builder::Colour;
/// use bugle_model::embed::Embed;
/// use time::macros::datetime;
///
/// let embed = Embed::builder()
///     .title("Deploy failed")
///     .description("stage `migrate` exited with 1")
///     .colour(Colour::ERROR)
///     .timestamp(datetime!(2025-01-02 03:04:05 UTC))
///     .field("service", "billing")
///     .inline_field("attempt", "3")
///     .footer("ci")
///     .build();
/// assert_eq!(embed.title.as_deref(), Some("Deploy failed"));
/// assert_eq!(embed.color, Some(0xED4245));
/// assert_eq!(embed.fields.len(), 2);
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
#[must_use]
pub struct EmbedBuilder {
    embed: Embed,
}

impl Embed {
    /// Starts an [`EmbedBuilder`].
    pub fn builder() -> EmbedBuilder {
        EmbedBuilder::new()
    }
}

impl EmbedBuilder {
    /// An empty embed.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the title (at most 256 chars).
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.embed.title = Some(title.into());
        self
    }

    /// Sets the description (at most 4096 chars).
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.embed.description = Some(description.into());
        self
    }

    /// Makes the title a link to `url`.
    pub fn url(mut self, url: impl Into<String>) -> Self {
        self.embed.url = Some(url.into());
        self
    }

    /// Sets the colour of the left border.
    pub fn colour(mut self, colour: Colour) -> Self {
        self.embed.color = Some(colour.value());
        self
    }

    /// Sets the colour of the left border (same as [`colour`](Self::colour)).
    pub fn color(self, color: Colour) -> Self {
        self.colour(color)
    }

    /// Sets the time shown in the footer.
    pub fn timestamp(mut self, timestamp: OffsetDateTime) -> Self {
        self.embed.timestamp = Some(timestamp);
        self
    }

    /// Sets the footer text (at most 2048 chars), keeping any footer icon.
    pub fn footer(mut self, text: impl Into<String>) -> Self {
        self.embed
            .footer
            .get_or_insert_with(EmbedFooter::default)
            .text = text.into();
        self
    }

    /// Sets the footer icon (`http(s)` or `attachment://` URL).
    pub fn footer_icon(mut self, icon_url: impl Into<String>) -> Self {
        self.embed
            .footer
            .get_or_insert_with(EmbedFooter::default)
            .icon_url = Some(icon_url.into());
        self
    }

    /// Sets the author name (at most 256 chars), keeping any author URL and icon.
    pub fn author(mut self, name: impl Into<String>) -> Self {
        self.embed
            .author
            .get_or_insert_with(EmbedAuthor::default)
            .name = name.into();
        self
    }

    /// Makes the author name a link.
    pub fn author_url(mut self, url: impl Into<String>) -> Self {
        self.embed
            .author
            .get_or_insert_with(EmbedAuthor::default)
            .url = Some(url.into());
        self
    }

    /// Sets the author icon.
    pub fn author_icon(mut self, icon_url: impl Into<String>) -> Self {
        self.embed
            .author
            .get_or_insert_with(EmbedAuthor::default)
            .icon_url = Some(icon_url.into());
        self
    }

    /// Sets the large image.
    pub fn image(mut self, url: impl Into<String>) -> Self {
        self.embed.image = Some(EmbedImage::new(url));
        self
    }

    /// Sets the small image at the top right.
    pub fn thumbnail(mut self, url: impl Into<String>) -> Self {
        self.embed.thumbnail = Some(EmbedThumbnail::new(url));
        self
    }

    /// Adds a field on its own line (name at most 256 chars, value 1024).
    pub fn field(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.embed.fields.push(EmbedField::new(name, value));
        self
    }

    /// Adds a field that may share its line with other inline fields.
    pub fn inline_field(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.embed.fields.push(EmbedField::inline(name, value));
        self
    }

    /// The embed.
    pub fn build(self) -> Embed {
        self.embed
    }
}

impl From<EmbedBuilder> for Embed {
    fn from(builder: EmbedBuilder) -> Self {
        builder.build()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn builds_every_part() {
        let embed = EmbedBuilder::new()
            .title("t")
            .description("d")
            .url("https://example.com")
            .color(Colour::from_rgb(0, 0, 1))
            .footer_icon("https://example.com/f.png")
            .footer("f")
            .author("a")
            .author_url("https://example.com/a")
            .author_icon("https://example.com/a.png")
            .image("attachment://chart.png")
            .thumbnail("https://example.com/t.png")
            .field("n", "v")
            .inline_field("i", "j")
            .build();
        assert_eq!(
            serde_json::to_value(&embed).unwrap(),
            json!({
                "title": "t",
                "description": "d",
                "url": "https://example.com",
                "color": 1,
                "footer": {"text": "f", "icon_url": "https://example.com/f.png"},
                "image": {"url": "attachment://chart.png"},
                "thumbnail": {"url": "https://example.com/t.png"},
                "author": {"name": "a", "url": "https://example.com/a", "icon_url": "https://example.com/a.png"},
                "fields": [{"name": "n", "value": "v"}, {"name": "i", "value": "j", "inline": true}],
            })
        );
    }
}
