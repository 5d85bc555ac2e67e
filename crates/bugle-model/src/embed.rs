//! Rich embeds and their parts, used both in requests and in responses.
//!
//! Every field is optional, as Discord documents. A client cannot send
//! `type` (Discord sets `"rich"`), `provider`, `video` or the server-filled
//! fields (`proxy_url`, `height`, `width`, ...); they are here because
//! responses carry them, and validation refuses them in a request body. To
//! send a received embed again, take [`Embed::without_response_fields`].

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::support::{define_flags, is_false, open_str_enum};

/// A rich embed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Embed {
    /// The title (at most 256 chars).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The kind of embed (responses only: Discord sets `rich` on embeds a
    /// bot sends, and validation refuses any other).
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<EmbedType>,
    /// The description (at most 4096 chars).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The URL the title links to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The timestamp shown in the footer.
    #[serde(
        default,
        with = "crate::timestamp::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub timestamp: Option<OffsetDateTime>,
    /// The colour of the left border, `0xRRGGBB`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<u32>,
    /// The footer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub footer: Option<EmbedFooter>,
    /// The large image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<EmbedImage>,
    /// The small image at the top right.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thumbnail: Option<EmbedThumbnail>,
    /// The video (responses only; cannot be sent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video: Option<EmbedVideo>,
    /// The provider (responses only; cannot be sent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<EmbedProvider>,
    /// The author line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<EmbedAuthor>,
    /// The fields (at most 25).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<EmbedField>,
    /// The embed's flags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flags: Option<EmbedFlags>,
}

impl Embed {
    /// This embed without the fields only Discord fills in, which a request
    /// may not carry: `type`, `provider`, `video`, the image's and the
    /// thumbnail's `proxy_url`, `height` and `width`, and the author's and
    /// the footer's `proxy_icon_url`. For sending a received embed again.
    ///
    /// ```
    /// use bugle_model::embed::Embed;
    /// use bugle_model::request::CreateMessage;
    /// use bugle_model::validate::Validate;
    ///
    /// let received: Embed = serde_json::from_str(
    ///     r#"{"type":"rich","title":"t","image":{"url":"https://x.test/a.png","width":64,"height":64}}"#,
    /// ).unwrap();
    /// assert!(CreateMessage::new().embed(received.clone()).validate().is_err());
    /// let resent = CreateMessage::new().embed(received.without_response_fields());
    /// assert!(resent.validate().is_ok());
    /// ```
    #[must_use]
    pub fn without_response_fields(mut self) -> Self {
        self.kind = None;
        self.provider = None;
        self.video = None;
        if let Some(image) = &mut self.image {
            image.proxy_url = None;
            image.height = None;
            image.width = None;
        }
        if let Some(thumbnail) = &mut self.thumbnail {
            thumbnail.proxy_url = None;
            thumbnail.height = None;
            thumbnail.width = None;
        }
        if let Some(author) = &mut self.author {
            author.proxy_icon_url = None;
        }
        if let Some(footer) = &mut self.footer {
            footer.proxy_icon_url = None;
        }
        self
    }
}

open_str_enum! {
    /// The kind of an embed (its `type` string).
    pub enum EmbedType {
        /// A generic embed from embed attributes; the only kind a bot sends.
        Rich = "rich",
        /// An image embed.
        Image = "image",
        /// A video embed.
        Video = "video",
        /// An animated gif shown as a video.
        Gifv = "gifv",
        /// An article embed.
        Article = "article",
        /// A link embed.
        Link = "link",
        /// A poll result embed.
        PollResult = "poll_result",
    }
}

/// An embed's footer.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmbedFooter {
    /// The footer text (at most 2048 chars).
    #[serde(default)]
    pub text: String,
    /// The icon URL (`http(s)` or `attachment://`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon_url: Option<String>,
    /// Discord's proxied copy of the icon (responses only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proxy_icon_url: Option<String>,
}

impl EmbedFooter {
    /// A footer with this text.
    pub fn new(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            ..Self::default()
        }
    }
}

macro_rules! embed_media {
    ($(#[$doc:meta])* $name:ident, $url_ty:ty, $url_doc:literal) => {
        $(#[$doc])*
        #[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
        pub struct $name {
            #[doc = $url_doc]
            #[serde(default)]
            pub url: $url_ty,
            /// Discord's proxied copy (responses only).
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub proxy_url: Option<String>,
            /// Height in pixels (responses only).
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub height: Option<u32>,
            /// Width in pixels (responses only).
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub width: Option<u32>,
            /// The media type, e.g. `image/png` (responses only).
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub content_type: Option<String>,
            /// A thumbhash placeholder (responses only).
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub placeholder: Option<String>,
            /// The placeholder's version (responses only).
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub placeholder_version: Option<u32>,
            /// Alt text (responses only).
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub description: Option<String>,
            /// The media's flags (responses only).
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub flags: Option<EmbedMediaFlags>,
        }
    };
}

embed_media!(
    /// An embed's large image.
    EmbedImage,
    String,
    "The image URL (`http(s)` or `attachment://<filename>`)."
);
embed_media!(
    /// An embed's thumbnail.
    EmbedThumbnail,
    String,
    "The thumbnail URL (`http(s)` or `attachment://<filename>`)."
);
embed_media!(
    /// An embed's video (responses only; a bot cannot send one).
    EmbedVideo,
    Option<String>,
    "The video URL, if any."
);

impl EmbedImage {
    /// An image with this URL.
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            ..Self::default()
        }
    }
}

impl EmbedThumbnail {
    /// A thumbnail with this URL.
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            ..Self::default()
        }
    }
}

/// An embed's provider (responses only).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmbedProvider {
    /// The provider's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The provider's URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// An embed's author line.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmbedAuthor {
    /// The author's name (at most 256 chars).
    #[serde(default)]
    pub name: String,
    /// The URL the name links to (`http(s)` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The icon URL (`http(s)` or `attachment://`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon_url: Option<String>,
    /// Discord's proxied copy of the icon (responses only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proxy_icon_url: Option<String>,
}

impl EmbedAuthor {
    /// An author line with this name.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            ..Self::default()
        }
    }
}

/// One name/value field of an embed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmbedField {
    /// The field's name (at most 256 chars).
    #[serde(default)]
    pub name: String,
    /// The field's value (at most 1024 chars).
    #[serde(default)]
    pub value: String,
    /// Whether the field sits beside its neighbours.
    #[serde(default, skip_serializing_if = "is_false")]
    pub inline: bool,
}

impl EmbedField {
    /// A field on its own line.
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            value: value.into(),
            inline: false,
        }
    }

    /// A field shown beside its inline neighbours.
    pub fn inline(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            value: value.into(),
            inline: true,
        }
    }
}

define_flags! {
    /// Flags of an embed.
    pub struct EmbedFlags: int {
        /// The embed is a content inventory entry.
        const IS_CONTENT_INVENTORY_ENTRY = 1 << 5;
    }
}

define_flags! {
    /// Flags of an embed's image, thumbnail or video.
    pub struct EmbedMediaFlags: int {
        /// The media is animated.
        const IS_ANIMATED = 1 << 5;
    }
}
