//! Staff authentication (R11): which roles a route admits, JWTs, argon2
//! password hashes on a bounded pool, and the login throttle. It knows
//! nothing of the server's state or routes; the extractor that uses it is in
//! the `extract` module.

mod password;
mod pool;
mod throttle;
mod tokens;

pub use password::{PasswordError, hash_password, verify_password};
pub use pool::{PasswordPool, PoolBusy};
pub use throttle::LoginThrottle;
pub use tokens::{Claims, TokenError, Tokens};

use domain::Role;

/// The roles a route admits (R11).
pub trait Policy {
    fn admits(role: Role) -> bool;
}

/// Every staff role.
#[derive(Debug)]
pub struct AnyStaff;
impl Policy for AnyStaff {
    fn admits(_: Role) -> bool {
        true
    }
}

/// Those who book on a citizen's behalf: the roles with a booking channel
/// (R10: Infotheke, telephone, admins).
#[derive(Debug)]
pub struct Bookers;
impl Policy for Bookers {
    fn admits(role: Role) -> bool {
        role.booking_channel().is_some()
    }
}

/// Administration: admins (within their municipality) and operators.
#[derive(Debug)]
pub struct Admins;
impl Policy for Admins {
    fn admits(role: Role) -> bool {
        matches!(role, Role::Admin | Role::Operator)
    }
}

/// R39: the municipalities themselves: operators only.
#[derive(Debug)]
pub struct Operators;
impl Policy for Operators {
    fn admits(role: Role) -> bool {
        role == Role::Operator
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use time::macros::datetime;
    use time::{Duration, OffsetDateTime};

    const NOW: OffsetDateTime = datetime!(2026-12-03 08:00 +01:00);

    #[test]
    fn r11_tokens_round_trip_and_expire_on_the_injected_clock() {
        let tokens = Tokens::new(
            b"a secret of at least 32 bytes, as HS256 needs",
            Duration::hours(8),
        );
        let jwt = tokens.issue("anna", Role::Desk, 3, NOW).unwrap();
        let claims = tokens.verify(&jwt, NOW + Duration::hours(7)).unwrap();
        assert_eq!(
            (claims.sub.as_str(), claims.role, claims.generation),
            ("anna", Role::Desk, 3)
        );
        assert_eq!(
            tokens.verify(&jwt, NOW + Duration::hours(8)),
            Err(TokenError::Expired)
        );
    }

    #[test]
    fn r11_forged_other_key_and_alg_none_tokens_are_refused() {
        let tokens = Tokens::new(
            b"a secret of at least 32 bytes, as HS256 needs",
            Duration::hours(8),
        );
        let other = Tokens::new(
            b"another secret entirely, also 32 bytes long",
            Duration::hours(8),
        );
        let jwt = other.issue("anna", Role::Admin, 0, NOW).unwrap();
        assert_eq!(tokens.verify(&jwt, NOW), Err(TokenError::Invalid));
        // alg "none": header {"alg":"none","typ":"JWT"}, no signature.
        let none = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJhbm5hIiwicm9sZSI6ImFkbWluIiwiaWF0IjoxNzk2MjgwMDAwLCJleHAiOjE5OTYyODAwMDB9.";
        assert_eq!(tokens.verify(none, NOW), Err(TokenError::Invalid));
        // A valid token with its payload swapped for an admin role.
        let good = tokens.issue("anna", Role::Clerk, 0, NOW).unwrap();
        let parts: Vec<_> = good.split('.').collect();
        let forged = format!(
            "{}.{}.{}",
            parts[0],
            none.split('.').nth(1).unwrap(),
            parts[2]
        );
        assert_eq!(tokens.verify(&forged, NOW), Err(TokenError::Invalid));
        assert_eq!(tokens.verify("garbage", NOW), Err(TokenError::Invalid));
    }

    #[test]
    fn passwords_are_hashed_with_argon2_and_verified() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", Some(&hash)));
        assert!(!verify_password("wrong horse battery", Some(&hash)));
        assert!(!verify_password("correct horse battery", None));
        assert_eq!(hash_password("short"), Err(PasswordError::Weak));
    }

    #[test]
    fn r11_logins_are_throttled_per_username_at_an_address_and_per_address() {
        let clock = crate::clock::Clock::frozen(NOW);
        let throttle = LoginThrottle::new(&clock);
        let here: std::net::IpAddr = "203.0.113.7".parse().unwrap();
        let there: std::net::IpAddr = "198.51.100.1".parse().unwrap();
        let fail = |name: &str, addr| {
            throttle.may_try(name, addr)?;
            throttle.failed(name, addr);
            Ok::<(), u64>(())
        };
        for _ in 0..5 {
            assert!(fail("anna", there).is_ok());
        }
        assert_eq!(
            throttle.may_try("Anna", there),
            Err(12),
            "case does not dodge it"
        );
        // The owner, elsewhere, is not locked out by the stranger.
        assert!(throttle.may_try("anna", here).is_ok());
        // One address over many names: 30 failures, then one every 2 s.
        for i in 0..25 {
            assert!(fail(&format!("name{i}"), there).is_ok(), "{i}");
        }
        assert_eq!(throttle.may_try("bert", there), Err(2));
        clock.set(NOW + Duration::seconds(12));
        assert!(throttle.may_try("anna", there).is_ok());
    }
}
