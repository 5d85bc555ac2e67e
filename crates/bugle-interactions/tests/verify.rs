//! Signature verification: every failure is refused (401 from the
//! service), never a panic.

use std::time::Duration;

use bugle_interactions::{SignatureError, Verifier, WallClock};
use ed25519_dalek::{Signer, SigningKey};

const NOW: i64 = 1_780_000_000;

fn key() -> SigningKey {
    SigningKey::from_bytes(&[7; 32])
}

fn verifier() -> Verifier {
    Verifier::from_hex(&hex::encode(key().verifying_key().as_bytes()))
        .unwrap()
        .with_clock(WallClock::anchored(NOW))
}

fn sign(key: &SigningKey, timestamp: &str, body: &[u8]) -> String {
    let mut message = timestamp.as_bytes().to_vec();
    message.extend_from_slice(body);
    hex::encode(key.sign(&message).to_bytes())
}

const BODY: &[u8] = br#"{"type":1,"id":"1","application_id":"2","token":"t"}"#;

#[tokio::test]
async fn a_valid_signature_passes() {
    let ts = NOW.to_string();
    let signature = sign(&key(), &ts, BODY);
    assert_eq!(
        verifier().verify(signature.as_bytes(), ts.as_bytes(), BODY),
        Ok(())
    );
}

#[tokio::test]
async fn another_key_is_refused() {
    let ts = NOW.to_string();
    let signature = sign(&SigningKey::from_bytes(&[8; 32]), &ts, BODY);
    assert_eq!(
        verifier().verify(signature.as_bytes(), ts.as_bytes(), BODY),
        Err(SignatureError::Mismatch)
    );
}

#[tokio::test]
async fn a_tampered_body_is_refused() {
    let ts = NOW.to_string();
    let signature = sign(&key(), &ts, BODY);
    let tampered = br#"{"type":1,"id":"1","application_id":"3","token":"t"}"#;
    assert_eq!(
        verifier().verify(signature.as_bytes(), ts.as_bytes(), tampered),
        Err(SignatureError::Mismatch)
    );
}

#[tokio::test]
async fn a_tampered_timestamp_is_refused() {
    let signature = sign(&key(), &NOW.to_string(), BODY);
    let other = (NOW + 1).to_string();
    assert_eq!(
        verifier().verify(signature.as_bytes(), other.as_bytes(), BODY),
        Err(SignatureError::Mismatch)
    );
}

#[tokio::test]
async fn stale_and_future_timestamps_are_refused() {
    let window = Duration::from_secs(60);
    let verifier = verifier().with_window(window);
    for (ts, expected) in [
        (NOW - 60, Ok(())),
        (NOW - 61, Err(SignatureError::Stale)),
        (NOW + 60, Ok(())),
        (NOW + 61, Err(SignatureError::FromTheFuture)),
    ] {
        let ts = ts.to_string();
        let signature = sign(&key(), &ts, BODY);
        assert_eq!(
            verifier.verify(signature.as_bytes(), ts.as_bytes(), BODY),
            expected,
            "{ts}"
        );
    }
}

#[tokio::test]
async fn malformed_hex_and_lengths_are_refused() {
    let ts = NOW.to_string();
    let good = sign(&key(), &ts, BODY);
    let cases: Vec<(Vec<u8>, SignatureError)> = vec![
        (
            good.as_bytes()[..126].to_vec(),
            SignatureError::MalformedSignature,
        ),
        (
            format!("{good}00").into_bytes(),
            SignatureError::MalformedSignature,
        ),
        (
            format!("zz{}", &good[2..]).into_bytes(),
            SignatureError::MalformedSignature,
        ),
        (b"".to_vec(), SignatureError::MalformedSignature),
        (
            "é".repeat(64).into_bytes(),
            SignatureError::MalformedSignature,
        ),
    ];
    for (signature, expected) in cases {
        assert_eq!(
            verifier().verify(&signature, ts.as_bytes(), BODY),
            Err(expected)
        );
    }
    for ts in [
        "",
        "-1",
        "1.5",
        "12345678901234567890",
        " 1780000000",
        "abc",
    ] {
        assert_eq!(
            verifier().verify(good.as_bytes(), ts.as_bytes(), BODY),
            Err(SignatureError::MalformedTimestamp),
            "{ts:?}"
        );
    }
}

#[test]
fn a_bad_public_key_is_an_error_not_a_panic() {
    assert!(Verifier::from_hex("").is_err());
    assert!(Verifier::from_hex(&"g".repeat(64)).is_err());
    assert!(Verifier::from_hex(&"a".repeat(63)).is_err());
}
