//! Proof of work for online bookings (R26), in the ALTCHA v1 format: the
//! server picks a secret `number` up to `maxnumber` and publishes
//! `challenge = hex(sha256(salt + number))` with an HMAC signature; the
//! client finds `number` by trying, and sends back all of it. The salt
//! carries the expiry (`?expires=UNIX&`), so a challenge needs no storage
//! until it is used; used ones are remembered by the store (once only).
//!
//! Where the salt ends and the number begins must not be the client's to
//! choose: with `salt + number` alone, the first digit of the number moved
//! to the end of the salt hashes the same and makes `expires=1796…` an
//! expiry centuries away. So, as ALTCHA's libraries do since their advisory
//! of December 2025, the salt's parameters end with `&`, and beyond that the
//! signature covers the salt as well as the challenge: only a salt exactly
//! as issued verifies.

use base64::Engine;
use hmac::{Hmac, Mac};
use rand::Rng;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use time::{Duration, OffsetDateTime};

type HmacSha256 = Hmac<Sha256>;

/// How long a challenge may be solved and used.
pub const LIFETIME: Duration = Duration::minutes(5);

/// The default difficulty: about 50,000 hashes on average.
pub const DEFAULT_MAXNUMBER: u64 = 100_000;

/// A challenge to solve (ALTCHA v1), as issued; the client gets it as
/// `http::dto::AltchaChallengeDto`, field for field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    /// Always `SHA-256`.
    pub algorithm: &'static str,
    /// `hex(sha256(salt + number))` for the number to find.
    pub challenge: String,
    /// The number lies in `0..=maxnumber`.
    pub maxnumber: u64,
    /// Random hex, then the expiry: `…?expires=UNIX&`, sent back as it is.
    pub salt: String,
    /// The server's HMAC of `challenge` and `salt`.
    pub signature: String,
}

/// The solution, as the client sends it (base64 JSON in `X-Altcha`).
#[derive(Debug, Deserialize)]
struct Payload {
    algorithm: String,
    challenge: String,
    number: u64,
    salt: String,
    signature: String,
}

/// A verified solution: its challenge (to be used once) and when it expires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Solved {
    pub challenge: String,
    pub expires_at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChallengeError {
    #[error("the X-Altcha header is not base64 of the solution's JSON")]
    Malformed,
    #[error("the solution does not solve a challenge of this server")]
    Wrong,
    #[error("the challenge has expired; fetch a new one")]
    Expired,
}

/// Issues and checks challenges with a key derived from the server's secret,
/// so every server process sharing the secret accepts the others' challenges.
pub struct Challenges {
    mac: HmacSha256,
    maxnumber: u64,
}

fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// How many random bytes begin a salt (hex: twice as many characters).
const SALT_BYTES: usize = 12;

/// The expiry of a salt of the one form [`Challenges::issue`] writes,
/// `HEX?expires=UNIX&` (24 lowercase hex digits, a decimal without a
/// leading zero); `None` for anything else.
fn expiry_of(salt: &str) -> Option<OffsetDateTime> {
    let (random, params) = salt.split_once('?')?;
    let digits = params.strip_prefix("expires=")?.strip_suffix('&')?;
    if random.len() != 2 * SALT_BYTES
        || !random.chars().all(is_lower_hex)
        || digits.is_empty()
        || digits.starts_with('0')
        || !digits.chars().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    OffsetDateTime::from_unix_timestamp(digits.parse().ok()?).ok()
}

/// Whether `challenge` reads as a SHA-256 digest in lowercase hex.
fn is_digest(challenge: &str) -> bool {
    challenge.len() == 64 && challenge.chars().all(is_lower_hex)
}

fn is_lower_hex(c: char) -> bool {
    c.is_ascii_digit() || ('a'..='f').contains(&c)
}

impl Challenges {
    /// The key is derived from `secret`, apart from its other uses.
    pub fn new(secret: &[u8], maxnumber: u64) -> Result<Self, hmac::digest::InvalidLength> {
        let key = HmacSha256::new_from_slice(secret)?
            .chain_update(b"terminvergabe challenge v1")
            .finalize()
            .into_bytes();
        Ok(Self {
            mac: HmacSha256::new_from_slice(&key)?,
            maxnumber,
        })
    }

    fn mac(&self) -> HmacSha256 {
        self.mac.clone()
    }

    /// The HMAC of the challenge and the salt it was made with. The
    /// challenge has a fixed length (64 hex digits), so no other pair gives
    /// the same input.
    fn signed(&self, challenge: &str, salt: &str) -> HmacSha256 {
        self.mac()
            .chain_update(challenge.as_bytes())
            .chain_update(b"\n")
            .chain_update(salt.as_bytes())
    }

    fn sign(&self, challenge: &str, salt: &str) -> String {
        hex::encode(self.signed(challenge, salt).finalize().into_bytes())
    }

    /// A new challenge, valid for [`LIFETIME`] from `now`.
    pub fn issue(&self, now: OffsetDateTime) -> Challenge {
        let mut rng = rand::rng();
        let expires = (now + LIFETIME).unix_timestamp();
        let salt = format!(
            "{}?expires={expires}&",
            hex::encode(rng.random::<[u8; SALT_BYTES]>())
        );
        let number = rng.random_range(0..=self.maxnumber);
        let challenge = sha256_hex(&format!("{salt}{number}"));
        Challenge {
            algorithm: "SHA-256",
            signature: self.sign(&challenge, &salt),
            challenge,
            maxnumber: self.maxnumber,
            salt,
        }
    }

    /// R26: checks the `X-Altcha` header: a solution of a challenge this
    /// server signed, with its salt exactly as issued, not expired at
    /// `now`. Whether it was used before is for the store to say, in the
    /// booking's transaction.
    pub fn verify(&self, header: &str, now: OffsetDateTime) -> Result<Solved, ChallengeError> {
        let json = base64::engine::general_purpose::STANDARD
            .decode(header.trim())
            .map_err(|_| ChallengeError::Malformed)?;
        let p: Payload = serde_json::from_slice(&json).map_err(|_| ChallengeError::Malformed)?;
        if p.algorithm != "SHA-256" || !is_digest(&p.challenge) {
            return Err(ChallengeError::Wrong);
        }
        let expires = expiry_of(&p.salt).ok_or(ChallengeError::Wrong)?;
        let signed = self
            .signed(&p.challenge, &p.salt)
            .verify_slice(&hex::decode(&p.signature).unwrap_or_default())
            .is_ok();
        let solved = sha256_hex(&format!("{}{}", p.salt, p.number)) == p.challenge;
        if !signed || !solved {
            return Err(ChallengeError::Wrong);
        }
        if expires <= now {
            return Err(ChallengeError::Expired);
        }
        Ok(Solved {
            challenge: p.challenge,
            expires_at: expires,
        })
    }
}

/// What a client does: tries every number up to `maxnumber` (for tests and
/// the benchmark; the reference page solves in the browser).
pub fn solve(c: &Challenge) -> Option<String> {
    let number =
        (0..=c.maxnumber).find(|n| sha256_hex(&format!("{}{n}", c.salt)) == c.challenge)?;
    let json = serde_json::json!({
        "algorithm": c.algorithm, "challenge": c.challenge, "number": number,
        "salt": c.salt, "signature": c.signature,
    });
    Some(base64::engine::general_purpose::STANDARD.encode(json.to_string()))
}

/// `terminvergabe solve`: the `X-Altcha` header for the answer of
/// `GET /api/v1/challenge` in `json`, for walk-throughs and scripts that
/// test an installation with `curl`.
pub fn solve_json(json: &str) -> Result<String, String> {
    let v: serde_json::Value = serde_json::from_str(json)
        .map_err(|e| format!("not the JSON of GET /api/v1/challenge: {e}"))?;
    let text = |key: &str| {
        v[key]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| format!("`{key}` is missing"))
    };
    if text("algorithm")? != "SHA-256" {
        return Err("only SHA-256 challenges are known".into());
    }
    let c = Challenge {
        algorithm: "SHA-256",
        challenge: text("challenge")?,
        maxnumber: v["maxnumber"].as_u64().ok_or("`maxnumber` is missing")?,
        salt: text("salt")?,
        signature: text("signature")?,
    };
    solve(&c).ok_or_else(|| "no number up to `maxnumber` solves it".into())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use time::macros::datetime;

    /// R26: what `terminvergabe solve` prints for the JSON the API sends
    /// verifies; a body that is not a challenge is refused with a reason.
    #[test]
    fn r26_the_command_line_solver_answers_the_apis_json() {
        let challenges = Challenges::new(b"a secret of at least thirty-two bytes", 2_000).unwrap();
        let c = challenges.issue(NOW);
        let json = serde_json::json!({
            "algorithm": c.algorithm, "challenge": c.challenge, "maxnumber": c.maxnumber,
            "salt": c.salt, "signature": c.signature,
        });
        let header = solve_json(&json.to_string()).unwrap();
        assert!(challenges.verify(&header, NOW).is_ok());
        assert!(solve_json("{}").unwrap_err().contains("missing"));
        assert!(solve_json("nein").is_err());
    }

    const NOW: OffsetDateTime = datetime!(2026-11-30 07:00 +01:00);

    #[test]
    fn r26_a_solved_challenge_verifies_until_it_expires() {
        let challenges = Challenges::new(b"a secret of at least thirty-two bytes", 2_000).unwrap();
        let c = challenges.issue(NOW);
        let header = solve(&c).unwrap();
        let solved = challenges
            .verify(&header, NOW + Duration::minutes(4))
            .unwrap();
        assert_eq!(solved.challenge, c.challenge);
        assert_eq!(solved.expires_at, NOW + LIFETIME);
        assert_eq!(
            challenges.verify(&header, NOW + LIFETIME),
            Err(ChallengeError::Expired)
        );
    }

    /// The solution `header` with its JSON changed by `edit`, encoded again.
    fn edited(header: &str, edit: impl FnOnce(&mut serde_json::Value)) -> String {
        let b64 = base64::engine::general_purpose::STANDARD;
        let mut v: serde_json::Value =
            serde_json::from_slice(&b64.decode(header).unwrap()).unwrap();
        edit(&mut v);
        b64.encode(v.to_string())
    }

    /// A challenge whose number has two digits or more, the second not 0,
    /// so its first can move to the salt and the rest still reads the same.
    fn with_a_movable_digit(challenges: &Challenges) -> (Challenge, String) {
        loop {
            let c = challenges.issue(NOW);
            let header = solve(&c).unwrap();
            let json = base64::engine::general_purpose::STANDARD
                .decode(&header)
                .unwrap();
            let v: serde_json::Value = serde_json::from_slice(&json).unwrap();
            let number = v["number"].as_u64().unwrap().to_string();
            if number.len() > 1 && !number[1..].starts_with('0') {
                return (c, header);
            }
        }
    }

    #[test]
    fn r26_moving_a_digit_of_the_number_into_the_salt_is_refused() {
        let challenges = Challenges::new(b"a secret of at least thirty-two bytes", 2_000).unwrap();
        let (c, header) = with_a_movable_digit(&challenges);
        // The probe's forgery: `sha256(salt + number)` and the signed
        // challenge stay the same, the expiry gains a digit (year 2539).
        let forged = edited(&header, |v| {
            let number = v["number"].as_u64().unwrap().to_string();
            v["salt"] = format!("{}{}", c.salt, &number[..1]).into();
            v["number"] = number[1..].parse::<u64>().unwrap().into();
        });
        let late = NOW + LIFETIME + Duration::minutes(25);
        assert_eq!(challenges.verify(&forged, late), Err(ChallengeError::Wrong));
        assert_eq!(challenges.verify(&forged, NOW), Err(ChallengeError::Wrong));
        assert_eq!(
            challenges.verify(&header, late),
            Err(ChallengeError::Expired)
        );
        assert!(challenges.verify(&header, NOW).is_ok());
    }

    #[test]
    fn r26_a_salt_not_exactly_as_issued_is_refused() {
        let challenges = Challenges::new(b"a secret of at least thirty-two bytes", 2_000).unwrap();
        let c = challenges.issue(NOW);
        assert!(c.salt.ends_with('&'), "{}", c.salt);
        let header = solve(&c).unwrap();
        let number = {
            let json = base64::engine::general_purpose::STANDARD
                .decode(&header)
                .unwrap();
            serde_json::from_slice::<serde_json::Value>(&json).unwrap()["number"]
                .as_u64()
                .unwrap()
        };
        let expires = (NOW + LIFETIME).unix_timestamp();
        let random = c.salt.split_once('?').unwrap().0.to_owned();
        // Whoever knows the number can hash any salt with it; the signature
        // must then refuse every salt the server did not issue.
        for salt in [
            format!("{random}?expires={}&", expires + 3600),
            format!("{random}?expires={expires}"),
            format!("{random}?expires={expires}&expires={}&", expires + 3600),
            format!("{random}?expires={}&", expires * 10 + 1),
            format!("{random}?expires=0{expires}&"),
            format!("{random}0?expires={expires}&"),
            format!("{random}?expires={expires}&x=1&"),
        ] {
            let forged = edited(&header, |v| {
                v["challenge"] = sha256_hex(&format!("{salt}{number}")).into();
                v["salt"] = salt.clone().into();
            });
            assert_eq!(
                challenges.verify(&forged, NOW),
                Err(ChallengeError::Wrong),
                "{salt}"
            );
        }
        // A challenge signed as before (its challenge only) is refused too.
        let old = edited(&header, |v| {
            let mac = challenges.mac().chain_update(c.challenge.as_bytes());
            v["signature"] = hex::encode(mac.finalize().into_bytes()).into();
        });
        assert_eq!(challenges.verify(&old, NOW), Err(ChallengeError::Wrong));
    }

    #[test]
    fn r26_forged_tampered_and_foreign_solutions_are_refused() {
        let challenges = Challenges::new(b"a secret of at least thirty-two bytes", 2_000).unwrap();
        let c = challenges.issue(NOW);
        // Signed by another server's key.
        let foreign = Challenges::new(b"another secret of thirty-two bytes!", 2_000)
            .unwrap()
            .issue(NOW);
        assert_eq!(
            challenges.verify(&solve(&foreign).unwrap(), NOW),
            Err(ChallengeError::Wrong)
        );
        // The right challenge with a wrong number.
        let wrong = serde_json::json!({
            "algorithm": "SHA-256", "challenge": c.challenge, "number": c.maxnumber + 1,
            "salt": c.salt, "signature": c.signature,
        });
        let wrong = base64::engine::general_purpose::STANDARD.encode(wrong.to_string());
        assert_eq!(challenges.verify(&wrong, NOW), Err(ChallengeError::Wrong));
        // A salt with a later expiry no longer fits its challenge.
        let solution = solve(&c).unwrap();
        let json = base64::engine::general_purpose::STANDARD
            .decode(&solution)
            .unwrap();
        let later = String::from_utf8(json)
            .unwrap()
            .replace("?expires=", "?expires=9");
        let later = base64::engine::general_purpose::STANDARD.encode(later);
        assert_eq!(challenges.verify(&later, NOW), Err(ChallengeError::Wrong));
        assert_eq!(
            challenges.verify("not base64!", NOW),
            Err(ChallengeError::Malformed)
        );
    }
}
