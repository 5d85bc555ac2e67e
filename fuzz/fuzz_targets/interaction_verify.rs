//! `bugle_interactions::Verifier::verify` on arbitrary signatures, timestamps and bodies,
//! half of them signed for real.
//!
//! Invariants: verification never panics; a real signature over a fresh timestamp and
//! the body passes; changing the body, the timestamp or one signature character makes it
//! fail; an input that passes has a 128-hex-character signature and a timestamp of
//! digits within the window.

#![no_main]

use arbitrary::Arbitrary;
use bugle_interactions::{Verifier, WallClock};
use ed25519_dalek::{Signer, SigningKey};
use libfuzzer_sys::fuzz_target;

const NOW: i64 = 1_780_000_000;

#[derive(Arbitrary, Debug)]
enum Input {
    /// Anything at all.
    Raw {
        signature: Vec<u8>,
        timestamp: Vec<u8>,
        body: Vec<u8>,
    },
    /// Signed with the key, at `NOW + offset`, then maybe altered.
    Signed {
        offset: i16,
        body: Vec<u8>,
        flip_body: Option<(u16, u8)>,
        flip_signature: Option<u8>,
    },
}

fn key() -> SigningKey {
    SigningKey::from_bytes(&[7; 32])
}

fuzz_target!(|input: Input| {
    let verifier = Verifier::from_hex(&hex_key())
        .expect("the key is valid")
        .with_clock(WallClock::anchored(NOW));
    match input {
        Input::Raw {
            signature,
            timestamp,
            body,
        } => {
            if verifier.verify(&signature, &timestamp, &body).is_ok() {
                assert_eq!(signature.len(), 128);
                assert!(signature.iter().all(u8::is_ascii_hexdigit));
                assert!(timestamp.iter().all(u8::is_ascii_digit));
            }
        }
        Input::Signed {
            offset,
            mut body,
            flip_body,
            flip_signature,
        } => {
            let timestamp = (NOW + i64::from(offset)).to_string();
            let mut message = timestamp.as_bytes().to_vec();
            message.extend_from_slice(&body);
            let mut signature = hex_of(&key().sign(&message).to_bytes());
            let fresh = i64::from(offset).abs() <= 300;
            let mut altered = false;
            if let Some((at, xor)) = flip_body {
                if !body.is_empty() && xor != 0 {
                    let at = usize::from(at) % body.len();
                    body[at] ^= xor;
                    altered = true;
                }
            }
            if let Some(at) = flip_signature {
                let at = usize::from(at) % signature.len();
                let replacement = if signature[at] == b'0' { b'1' } else { b'0' };
                signature[at] = replacement;
                altered = true;
            }
            let result = verifier.verify(&signature, timestamp.as_bytes(), &body);
            assert_eq!(result.is_ok(), fresh && !altered, "{result:?}");
        }
    }
});

fn hex_key() -> String {
    hex_of(key().verifying_key().as_bytes()).into_iter().map(char::from).collect()
}

fn hex_of(bytes: &[u8]) -> Vec<u8> {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    bytes
        .iter()
        .flat_map(|b| [DIGITS[usize::from(b >> 4)], DIGITS[usize::from(b & 15)]])
        .collect()
}
