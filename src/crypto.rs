//! Encryption at rest for members' documents, with XChaCha20-Poly1305:
//! authenticated, and a random 24-byte nonce per value is safe to generate
//! at random without counting.
//!
//! Each value is bound to its place (the document's location, e.g.
//! `T0123/U0ANA/goals`) as associated data: a ciphertext copied from one
//! member's document to another's fails to open instead of being read as
//! theirs. Values from before that binding (`enc:v1:`) and values stored in
//! the clear before a key was set are read only until start-up has re-sealed
//! everything (`app::key_check`); after that they are refused.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// A sealed value bound to its place.
const PREFIX: &str = "enc:v2:";
/// A sealed value bound to nothing (written before v2).
const PREFIX_V1: &str = "enc:v1:";
const NONCE_LEN: usize = 24;

/// Why a value could not be opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    #[error("TANDEM_ENCRYPTION_KEY must be 32 bytes in base64 (make one with `openssl rand -base64 32`)")]
    BadKey,
    #[error("stored data could not be decrypted: TANDEM_ENCRYPTION_KEY is not the key it was written with, or the data was altered or moved")]
    WrongKeyOrTampered,
    #[error("stored data is encrypted but TANDEM_ENCRYPTION_KEY is not set")]
    NoKey,
}

/// Seals and opens stored text. Without a key it passes text through (and
/// refuses sealed values, rather than returning garbage).
#[derive(Clone)]
pub struct Sealer {
    cipher: Option<XChaCha20Poly1305>,
    /// Whether values from before the current format (clear text, or
    /// `enc:v1:`) may still be read: until start-up has re-sealed them all.
    legacy: Arc<AtomicBool>,
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.cipher.is_some() {
            "Sealer(encrypting)"
        } else {
            "Sealer(clear)"
        })
    }
}

impl Sealer {
    /// No encryption.
    pub fn clear() -> Self {
        Self {
            cipher: None,
            legacy: Arc::new(AtomicBool::new(true)),
        }
    }

    /// From the base64 text of `TANDEM_ENCRYPTION_KEY`.
    pub fn from_base64_key(key: &str) -> Result<Self, SealError> {
        let bytes = B64.decode(key.trim()).map_err(|_| SealError::BadKey)?;
        if bytes.len() != 32 {
            return Err(SealError::BadKey);
        }
        let cipher = XChaCha20Poly1305::new_from_slice(&bytes).map_err(|_| SealError::BadKey)?;
        Ok(Self {
            cipher: Some(cipher),
            legacy: Arc::new(AtomicBool::new(true)),
        })
    }

    pub fn encrypts(&self) -> bool {
        self.cipher.is_some()
    }

    /// From now on only values sealed in the current format (bound to their
    /// place) are read: every older one has been re-sealed. Shared by every
    /// clone of this sealer.
    pub fn refuse_legacy(&self) {
        self.legacy.store(false, Ordering::SeqCst);
    }

    /// Whether `stored` is sealed in the current format.
    pub fn is_current(stored: &str) -> bool {
        stored.starts_with(PREFIX)
    }

    /// Whether `stored` is sealed at all (any format).
    pub fn is_sealed(stored: &str) -> bool {
        stored.starts_with(PREFIX) || stored.starts_with(PREFIX_V1)
    }

    /// The value to store for `plain` at `place`.
    pub fn seal(&self, plain: &str, place: &str) -> String {
        let Some(cipher) = &self.cipher else {
            return plain.to_owned();
        };
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let payload = Payload {
            msg: plain.as_bytes(),
            aad: place.as_bytes(),
        };
        let sealed = cipher
            .encrypt(&nonce, payload)
            .expect("encrypting in memory cannot fail");
        let mut out = nonce.to_vec();
        out.extend(sealed);
        format!("{PREFIX}{}", B64.encode(out))
    }

    /// The text of the value stored at `place`.
    pub fn open(&self, stored: &str, place: &str) -> Result<String, SealError> {
        let legacy = self.legacy.load(Ordering::SeqCst);
        let (body, aad) = if let Some(body) = stored.strip_prefix(PREFIX) {
            (body, place.as_bytes())
        } else if let Some(body) = stored.strip_prefix(PREFIX_V1) {
            if !legacy {
                return Err(SealError::WrongKeyOrTampered);
            }
            (body, &[][..])
        } else if self.cipher.is_none() || legacy {
            // Clear text: written without a key, or before one was set.
            return Ok(stored.to_owned());
        } else {
            return Err(SealError::WrongKeyOrTampered);
        };
        let cipher = self.cipher.as_ref().ok_or(SealError::NoKey)?;
        let bytes = B64
            .decode(body)
            .map_err(|_| SealError::WrongKeyOrTampered)?;
        if bytes.len() < NONCE_LEN {
            return Err(SealError::WrongKeyOrTampered);
        }
        let (nonce, sealed) = bytes.split_at(NONCE_LEN);
        let plain = cipher
            .decrypt(XNonce::from_slice(nonce), Payload { msg: sealed, aad })
            .map_err(|_| SealError::WrongKeyOrTampered)?;
        String::from_utf8(plain).map_err(|_| SealError::WrongKeyOrTampered)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    const OTHER: &str = "HxwdHh8AAQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRo=";

    /// A value as the previous format sealed it (no associated data).
    fn seal_v1(key: &str, plain: &str) -> String {
        let cipher = XChaCha20Poly1305::new_from_slice(&B64.decode(key).unwrap()).unwrap();
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let mut out = nonce.to_vec();
        out.extend(cipher.encrypt(&nonce, plain.as_bytes()).unwrap());
        format!("{PREFIX_V1}{}", B64.encode(out))
    }

    #[test]
    fn round_trip_with_a_fresh_nonce_each_time() {
        let s = Sealer::from_base64_key(KEY).unwrap();
        let a = s.seal("learn SQL", "T1/U0ANA/goals");
        let b = s.seal("learn SQL", "T1/U0ANA/goals");
        assert!(a.starts_with("enc:v2:") && !a.contains("SQL"));
        assert_ne!(a, b, "nonces repeat");
        assert_eq!(s.open(&a, "T1/U0ANA/goals").unwrap(), "learn SQL");
    }

    #[test]
    fn a_value_moved_to_another_place_does_not_open() {
        let s = Sealer::from_base64_key(KEY).unwrap();
        let anas = s.seal("Ana's goals", "T1/U0ANA/goals");
        assert_eq!(
            s.open(&anas, "T1/U0BEN/goals"),
            Err(SealError::WrongKeyOrTampered)
        );
        assert_eq!(
            s.open(&anas, "T1/U0ANA/notes"),
            Err(SealError::WrongKeyOrTampered)
        );
    }

    #[test]
    fn wrong_key_tampering_and_missing_key_are_errors_not_garbage() {
        let sealed = Sealer::from_base64_key(KEY).unwrap().seal("secret", "p");
        let other = Sealer::from_base64_key(OTHER).unwrap();
        assert_eq!(other.open(&sealed, "p"), Err(SealError::WrongKeyOrTampered));
        let mut tampered = sealed.clone();
        tampered.pop();
        tampered.push(if sealed.ends_with('A') { 'B' } else { 'A' });
        assert_eq!(
            Sealer::from_base64_key(KEY).unwrap().open(&tampered, "p"),
            Err(SealError::WrongKeyOrTampered)
        );
        assert_eq!(Sealer::clear().open(&sealed, "p"), Err(SealError::NoKey));
    }

    #[test]
    fn older_values_are_read_only_until_everything_is_resealed() {
        let s = Sealer::from_base64_key(KEY).unwrap();
        let v1 = seal_v1(KEY, "old");
        assert_eq!(s.open(&v1, "anywhere").unwrap(), "old");
        assert_eq!(s.open("{\"v\":1}", "p").unwrap(), "{\"v\":1}");
        assert_eq!(
            Sealer::from_base64_key(OTHER).unwrap().open(&v1, "p"),
            Err(SealError::WrongKeyOrTampered)
        );
        let clone = s.clone();
        s.refuse_legacy();
        assert_eq!(clone.open(&v1, "p"), Err(SealError::WrongKeyOrTampered));
        assert_eq!(
            clone.open("{\"v\":1}", "p"),
            Err(SealError::WrongKeyOrTampered)
        );
        let current = s.seal("new", "p");
        assert_eq!(clone.open(&current, "p").unwrap(), "new");
    }

    #[test]
    fn formats_are_told_apart_and_the_key_never_shows() {
        let s = Sealer::from_base64_key(KEY).unwrap();
        assert!(s.encrypts());
        assert!(!Sealer::clear().encrypts());
        let current = s.seal("x", "p");
        assert!(Sealer::is_current(&current) && Sealer::is_sealed(&current));
        assert!(!Sealer::is_sealed("{\"v\":1}") && !Sealer::is_current("{\"v\":1}"));
        assert_eq!(format!("{s:?}"), "Sealer(encrypting)");
        assert_eq!(format!("{:?}", Sealer::clear()), "Sealer(clear)");
    }

    #[test]
    fn a_value_too_short_to_hold_a_nonce_is_an_error_not_a_panic() {
        let s = Sealer::from_base64_key(KEY).unwrap();
        for body in [&[][..], &[7u8; 10][..], &[7u8; NONCE_LEN][..]] {
            let stored = format!("{PREFIX}{}", B64.encode(body));
            assert_eq!(s.open(&stored, "p"), Err(SealError::WrongKeyOrTampered));
        }
    }

    #[test]
    fn bad_keys_are_refused_and_clear_text_passes_without_a_key() {
        assert_eq!(
            Sealer::from_base64_key("short").unwrap_err(),
            SealError::BadKey
        );
        assert_eq!(
            Sealer::from_base64_key("AAAA").unwrap_err(),
            SealError::BadKey
        );
        let clear = Sealer::clear();
        assert_eq!(clear.seal("x", "p"), "x");
        clear.refuse_legacy();
        assert_eq!(clear.open("{\"v\":1}", "p").unwrap(), "{\"v\":1}");
        assert!(Sealer::is_sealed(&seal_v1(KEY, "x")));
        assert!(!Sealer::is_current(&seal_v1(KEY, "x")));
    }
}
