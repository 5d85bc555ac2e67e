//! Media components (V2): thumbnail, media gallery and file, and the
//! unfurled media item they point at.

use serde::{Deserialize, Serialize};

use crate::id::{AttachmentId, GenericId};
use crate::support::{define_flags, is_false};

/// A piece of media referenced by URL. Only `url` is sent; Discord fills in
/// the rest in responses.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnfurledMediaItem {
    /// Any URL, or `attachment://<filename>` for an uploaded file.
    #[serde(default)]
    pub url: String,
    /// Discord's proxied copy (responses only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proxy_url: Option<String>,
    /// Height in pixels (responses only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
    /// Width in pixels (responses only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    /// A thumbhash placeholder (responses only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placeholder: Option<String>,
    /// The placeholder's version (responses only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placeholder_version: Option<u32>,
    /// The media type, e.g. `image/png` (responses only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// The media's flags (responses only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flags: Option<UnfurledMediaItemFlags>,
    /// The attachment this media is, for `attachment://` URLs (responses only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachment_id: Option<AttachmentId>,
    /// Discord's id for this media item (responses only; its kind is
    /// undocumented, hence [`GenericId`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<GenericId>,
}

impl UnfurledMediaItem {
    /// Media at this URL.
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            ..Self::default()
        }
    }
}

define_flags! {
    /// Flags of an unfurled media item.
    pub struct UnfurledMediaItemFlags: int {
        /// The media is animated.
        const IS_ANIMATED = 1 << 0;
    }
}

/// A small image, e.g. a section's accessory (type 11, V2).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Thumbnail {
    /// The component's numeric id, unique in the message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<u32>,
    /// The image (gif and webp animate; video does not play).
    pub media: UnfurledMediaItem,
    /// Alt text (at most 1024 chars).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Whether the image is blurred until clicked.
    #[serde(default, skip_serializing_if = "is_false")]
    pub spoiler: bool,
}

impl Thumbnail {
    /// A thumbnail of the image at this URL.
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            media: UnfurledMediaItem::new(url),
            ..Self::default()
        }
    }
}

/// One item of a media gallery.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaGalleryItem {
    /// The image or video.
    pub media: UnfurledMediaItem,
    /// Alt text (at most 1024 chars).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Whether the item is blurred until clicked.
    #[serde(default, skip_serializing_if = "is_false")]
    pub spoiler: bool,
}

impl MediaGalleryItem {
    /// An item showing the media at this URL.
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            media: UnfurledMediaItem::new(url),
            ..Self::default()
        }
    }
}

/// A grid of 1–10 images and videos (type 12, V2).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaGallery {
    /// The component's numeric id, unique in the message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<u32>,
    /// The items (1–10).
    #[serde(default)]
    pub items: Vec<MediaGalleryItem>,
}

/// An uploaded file shown in the message (type 13, V2).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileComponent {
    /// The component's numeric id, unique in the message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<u32>,
    /// The file; its URL must be `attachment://<filename>`.
    pub file: UnfurledMediaItem,
    /// Whether the file is blurred until clicked.
    #[serde(default, skip_serializing_if = "is_false")]
    pub spoiler: bool,
    /// The file's name (responses only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The file's size in bytes (responses only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
}

impl FileComponent {
    /// Shows the uploaded file called `filename` (`attachment://filename`).
    pub fn attachment(filename: &str) -> Self {
        Self {
            file: UnfurledMediaItem::new(format!("attachment://{filename}")),
            ..Self::default()
        }
    }
}
