//! Encryption at rest for members' free text (goals, steps, notes), with
//! XChaCha20-Poly1305: authenticated, and a random 24-byte nonce per value is
//! safe to generate at random without counting.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};

/// Marks a stored value as sealed, with the scheme's version.
const PREFIX: &str = "enc:v1:";
const NONCE_LEN: usize = 24;

/// Why a value could not be opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    #[error("TANDEM_ENCRYPTION_KEY must be 32 bytes in base64 (make one with `openssl rand -base64 32`)")]
    BadKey,
    #[error("stored data could not be decrypted: TANDEM_ENCRYPTION_KEY is not the key it was written with, or the data was altered")]
    WrongKeyOrTampered,
    #[error("stored data is encrypted but TANDEM_ENCRYPTION_KEY is not set")]
    NoKey,
}

/// Seals and opens stored text. Without a key it passes text through (and
/// refuses sealed values, rather than returning garbage).
#[derive(Clone)]
pub struct Sealer {
    cipher: Option<XChaCha20Poly1305>,
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
        Self { cipher: None }
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
        })
    }

    pub fn encrypts(&self) -> bool {
        self.cipher.is_some()
    }

    /// The value to store for `plain`.
    pub fn seal(&self, plain: &str) -> String {
        let Some(cipher) = &self.cipher else {
            return plain.to_owned();
        };
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let sealed = cipher
            .encrypt(&nonce, plain.as_bytes())
            .expect("encrypting in memory cannot fail");
        let mut out = nonce.to_vec();
        out.extend(sealed);
        format!("{PREFIX}{}", B64.encode(out))
    }

    /// The text of a stored value. Clear values written before a key was
    /// set are read as they are (and sealed on their next change).
    pub fn open(&self, stored: &str) -> Result<String, SealError> {
        let Some(body) = stored.strip_prefix(PREFIX) else {
            return Ok(stored.to_owned());
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
            .decrypt(XNonce::from_slice(nonce), sealed)
            .map_err(|_| SealError::WrongKeyOrTampered)?;
        String::from_utf8(plain).map_err(|_| SealError::WrongKeyOrTampered)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    const OTHER: &str = "HxwdHh8AAQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRo=";

    #[test]
    fn round_trip_with_a_fresh_nonce_each_time() {
        let s = Sealer::from_base64_key(KEY).unwrap();
        let a = s.seal("learn SQL");
        let b = s.seal("learn SQL");
        assert!(a.starts_with("enc:v1:") && !a.contains("SQL"));
        assert_ne!(a, b, "nonces repeat");
        assert_eq!(s.open(&a).unwrap(), "learn SQL");
    }

    #[test]
    fn wrong_key_tampering_and_missing_key_are_errors_not_garbage() {
        let sealed = Sealer::from_base64_key(KEY).unwrap().seal("secret");
        let other = Sealer::from_base64_key(OTHER).unwrap();
        assert_eq!(other.open(&sealed), Err(SealError::WrongKeyOrTampered));
        let mut tampered = sealed.clone();
        tampered.pop();
        tampered.push(if sealed.ends_with('A') { 'B' } else { 'A' });
        assert_eq!(
            Sealer::from_base64_key(KEY).unwrap().open(&tampered),
            Err(SealError::WrongKeyOrTampered)
        );
        assert_eq!(Sealer::clear().open(&sealed), Err(SealError::NoKey));
    }

    #[test]
    fn bad_keys_are_refused_and_clear_text_passes() {
        assert_eq!(
            Sealer::from_base64_key("short").unwrap_err(),
            SealError::BadKey
        );
        assert_eq!(
            Sealer::from_base64_key("AAAA").unwrap_err(),
            SealError::BadKey
        );
        assert_eq!(Sealer::clear().seal("x"), "x");
        assert_eq!(
            Sealer::from_base64_key(KEY)
                .unwrap()
                .open("{\"v\":1}")
                .unwrap(),
            "{\"v\":1}"
        );
    }
}
