//! [`Colour`]: embed and container colours.

/// An RGB colour for an embed's `color` or a container's `accent_color`
/// (`0xRRGGBB`).
///
/// ```
/// use bugle_model::builder::Colour;
///
/// assert_eq!(Colour::from_rgb(255, 128, 0).value(), 0xFF8000);
/// assert_eq!(Colour::from_hex("#5865F2"), Some(Colour::BLURPLE));
/// assert_eq!(Colour::from_hex("nope"), None);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Colour(u32);

/// The same as [`Colour`], for those who spell it so.
pub type Color = Colour;

impl Colour {
    /// Discord's red, `#ED4245`.
    pub const RED: Self = Self(0xED_42_45);
    /// Dark red, `#992D22`.
    pub const DARK_RED: Self = Self(0x99_2D_22);
    /// Orange, `#E67E22`.
    pub const ORANGE: Self = Self(0xE6_7E_22);
    /// Discord's yellow, `#FEE75C`.
    pub const YELLOW: Self = Self(0xFE_E7_5C);
    /// Discord's green, `#57F287`.
    pub const GREEN: Self = Self(0x57_F2_87);
    /// Discord's blurple, `#5865F2`.
    pub const BLURPLE: Self = Self(0x58_65_F2);
    /// Blue, `#3498DB`.
    pub const BLUE: Self = Self(0x34_98_DB);
    /// Grey, `#95A5A6`.
    pub const GREY: Self = Self(0x95_A5_A6);

    /// For critical alerts: [`DARK_RED`](Self::DARK_RED).
    pub const CRITICAL: Self = Self::DARK_RED;
    /// For errors: [`RED`](Self::RED).
    pub const ERROR: Self = Self::RED;
    /// For warnings: [`ORANGE`](Self::ORANGE).
    pub const WARNING: Self = Self::ORANGE;
    /// For success and recovery: [`GREEN`](Self::GREEN).
    pub const SUCCESS: Self = Self::GREEN;
    /// For information: [`BLUE`](Self::BLUE).
    pub const INFO: Self = Self::BLUE;

    /// The colour with these red, green and blue parts.
    pub const fn from_rgb(red: u8, green: u8, blue: u8) -> Self {
        Self(((red as u32) << 16) | ((green as u32) << 8) | blue as u32)
    }

    /// Parses six hex digits, with an optional `#` or `0x` in front
    /// (`#ff8800`, `FF8800`, `0xff8800`). `None` for anything else.
    pub fn from_hex(hex: &str) -> Option<Self> {
        let digits = hex
            .strip_prefix('#')
            .or_else(|| hex.strip_prefix("0x"))
            .unwrap_or(hex);
        if digits.len() != 6 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        u32::from_str_radix(digits, 16).ok().map(Self)
    }

    /// The colour from a `0xRRGGBB` value; `None` above `0xFFFFFF`.
    pub const fn from_value(value: u32) -> Option<Self> {
        if value <= 0xFF_FF_FF {
            Some(Self(value))
        } else {
            None
        }
    }

    /// The `0xRRGGBB` value Discord takes.
    pub const fn value(self) -> u32 {
        self.0
    }

    /// The red, green and blue parts.
    pub const fn rgb(self) -> (u8, u8, u8) {
        let [_, red, green, blue] = self.0.to_be_bytes();
        (red, green, blue)
    }
}

impl From<Colour> for u32 {
    fn from(colour: Colour) -> Self {
        colour.0
    }
}

impl std::fmt::Display for Colour {
    /// `#RRGGBB`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "#{:06X}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips_through_display() {
        let colour = Colour::from_hex("0x1a2B3c").unwrap();
        assert_eq!(colour.to_string(), "#1A2B3C");
        assert_eq!(Colour::from_hex(&colour.to_string()), Some(colour));
        assert_eq!(colour.rgb(), (0x1A, 0x2B, 0x3C));
    }

    #[test]
    fn rejects_bad_hex_and_values() {
        for bad in ["", "#12345", "#1234567", "#12345g", "+12345"] {
            assert_eq!(Colour::from_hex(bad), None, "{bad}");
        }
        assert_eq!(Colour::from_value(0x100_0000), None);
        assert_eq!(
            Colour::from_value(0xFF_FF_FF),
            Some(Colour::from_rgb(255, 255, 255))
        );
    }
}
