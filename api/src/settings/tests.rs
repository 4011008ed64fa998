//! The settings as the environment gives them.
#![allow(clippy::unwrap_used)]
use super::*;
use secrecy::ExposeSecret;
use std::collections::HashMap;

fn from(pairs: &[(&str, &str)]) -> Result<Settings, SettingsError> {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    Settings::from_lookup(|k| map.get(k).cloned())
}

#[test]
fn defaults_follow_api_md() {
    let s = from(&[]).unwrap();
    assert_eq!(s.database_url.expose_secret(), "sqlite://termin.db");
    assert_eq!(s.bind, "127.0.0.1:8080");
    assert!(s.now.is_none() && s.jwt_secret.is_none() && s.bootstrap_admin.is_none());
}

#[test]
fn reads_every_variable() {
    let s = from(&[
        ("DATABASE_URL", "postgres://db/termin"),
        ("TERMIN_BIND", "0.0.0.0:9000"),
        ("TERMIN_NOW", "2026-12-03T07:00:00+01:00"),
        ("TERMIN_JWT_SECRET", "0123456789abcdef0123456789abcdef"),
        ("TERMIN_BOOTSTRAP_ADMIN", "admin:pass:with:colons"),
    ])
    .unwrap();
    assert_eq!(s.database_url.expose_secret(), "postgres://db/termin");
    assert_eq!(s.bind, "0.0.0.0:9000");
    assert_eq!(
        s.now.unwrap(),
        time::macros::datetime!(2026-12-03 07:00 +01:00)
    );
    assert_eq!(
        s.jwt_secret.as_ref().map(JwtSecret::expose),
        Some(&b"0123456789abcdef0123456789abcdef"[..])
    );
    let (user, password) = s.bootstrap_admin.unwrap();
    assert_eq!(
        (user.as_str(), password.expose_secret()),
        ("admin", "pass:with:colons")
    );
}

#[test]
fn r25_limits_and_proxies_from_the_environment() {
    let s = from(&[]).unwrap();
    assert_eq!(
        (s.rate_limit_reads, s.rate_limit_writes),
        (Some(DEFAULT_READS), Some(DEFAULT_WRITES))
    );
    let s = from(&[
        ("TERMIN_RATE_LIMIT_READS", "off"),
        ("TERMIN_RATE_LIMIT_WRITES", "5/60"),
        ("TERMIN_TRUSTED_PROXIES", "10.0.0.0/8"),
    ])
    .unwrap();
    assert_eq!(s.rate_limit_reads, None);
    assert_eq!(
        s.rate_limit_writes
            .map(|l| (l.count.get(), l.seconds.get())),
        Some((5, 60))
    );
    assert!(s.trusted_proxies.contains("10.1.2.3".parse().unwrap()));
    assert!(matches!(
        from(&[("TERMIN_RATE_LIMIT_WRITES", "10 per minute")]),
        Err(SettingsError::RateLimit("TERMIN_RATE_LIMIT_WRITES", _))
    ));
    assert!(matches!(
        from(&[("TERMIN_TRUSTED_PROXIES", "the load balancer")]),
        Err(SettingsError::Proxies(_))
    ));
}

#[test]
fn cors_origins_from_the_environment_none_by_default() {
    assert!(from(&[]).unwrap().cors_origins.is_empty());
    let s = from(&[(
        "TERMIN_CORS_ORIGINS",
        "https://termine.kaarst.de, http://localhost:5173",
    )])
    .unwrap();
    assert_eq!(
        s.cors_origins.as_slice(),
        ["https://termine.kaarst.de", "http://localhost:5173"]
    );
    for bad in [
        "https://termine.kaarst.de/termine",
        "termine.kaarst.de",
        "*",
    ] {
        let err = from(&[("TERMIN_CORS_ORIGINS", bad)]).unwrap_err();
        assert!(matches!(err, SettingsError::CorsOrigins(_)), "{bad}");
        let message = err.to_string();
        assert!(
            message.starts_with("TERMIN_CORS_ORIGINS: `") && message.contains("scheme://host"),
            "{message}"
        );
    }
}

#[test]
fn a_jwt_secret_shorter_than_32_bytes_stops_the_start() {
    for (short, len) in [("a", 1), ("s3cret", 6), (&"x".repeat(31)[..], 31)] {
        let err = from(&[("TERMIN_JWT_SECRET", short)]).unwrap_err();
        assert!(matches!(err, SettingsError::JwtSecretTooShort(n) if n == len));
        let message = err.to_string();
        assert!(message.contains("RFC 7518") && message.contains("openssl rand -hex 32"));
    }
    // Made in code, the same check.
    assert!(matches!(
        JwtSecret::new("a"),
        Err(SettingsError::JwtSecretTooShort(1))
    ));
    // 32 bytes, counted as bytes: 16 two-byte characters are enough.
    assert!(from(&[("TERMIN_JWT_SECRET", &"x".repeat(32))]).is_ok());
    assert!(from(&[("TERMIN_JWT_SECRET", &"ä".repeat(16))]).is_ok());
    // Unset or empty: a random key per start, as before.
    assert!(
        from(&[("TERMIN_JWT_SECRET", " ")])
            .unwrap()
            .jwt_secret
            .is_none()
    );
}

#[test]
fn r23_mail_settings_are_checked_at_start() {
    let s = from(&[]).unwrap();
    assert!(s.smtp.is_none());
    assert_eq!(s.mail_from.email.to_string(), "terminvergabe@localhost");
    assert_eq!(s.mail_from.name.as_deref(), Some("Terminvergabe"));
    assert_eq!(s.public_url.host(), "127.0.0.1");
    assert_eq!(s.public_url.to_string(), DEFAULT_PUBLIC_URL);
    let s = from(&[
        ("TERMIN_SMTP_URL", "smtp://127.0.0.1:2525"),
        (
            "TERMIN_MAIL_FROM",
            "Bürgerbüro Kaarst <buergerbuero@kaarst.de>",
        ),
        ("TERMIN_PUBLIC_URL", "https://termine.kaarst.de/"),
    ])
    .unwrap();
    assert!(s.smtp.is_some());
    assert_eq!(s.mail_from.name.as_deref(), Some("Bürgerbüro Kaarst"));
    assert_eq!(s.mail_from.email.to_string(), "buergerbuero@kaarst.de");
    let url = s.public_url;
    assert_eq!(url.host(), "termine.kaarst.de");
    let id = uuid::Uuid::nil();
    assert_eq!(
        url.manage_link(id, "t0k"),
        format!("https://termine.kaarst.de/termine/{id}#token=t0k")
    );
    for bad in ["buergerbuero", "a@b@c", "<>"] {
        assert!(
            matches!(
                from(&[("TERMIN_MAIL_FROM", bad)]),
                Err(SettingsError::MailFrom)
            ),
            "{bad}"
        );
    }
    for bad in [
        "termine.kaarst.de",
        "ftp://x",
        "https://",
        "https://x?y=1",
        "https://x#f",
        "https://x:port",
    ] {
        assert!(
            matches!(
                from(&[("TERMIN_PUBLIC_URL", bad)]),
                Err(SettingsError::PublicUrl(_))
            ),
            "{bad}"
        );
    }
    // A password in a refused URL is not repeated in the message.
    let err = from(&[("TERMIN_SMTP_URL", "imap://user:geheim@host")]).unwrap_err();
    assert!(matches!(err, SettingsError::SmtpUrl(_)));
    assert!(!err.to_string().contains("geheim"), "{err}");
}

#[test]
fn rejects_bad_values() {
    assert!(matches!(
        from(&[("TERMIN_NOW", "tomorrow")]),
        Err(SettingsError::Now(_))
    ));
    for bad in ["admin", "a:secret", "Anna Beate:secret", "anna:"] {
        assert!(
            matches!(
                from(&[("TERMIN_BOOTSTRAP_ADMIN", bad)]),
                Err(SettingsError::BootstrapAdmin)
            ),
            "{bad}"
        );
    }
}

#[test]
fn the_settings_print_no_secret() {
    let s = from(&[
        (
            "DATABASE_URL",
            "postgres://termin:db-geheim-7@db.internal:5432/termin",
        ),
        ("TERMIN_JWT_SECRET", "jwt-geheim-0123456789abcdef0123456789"),
        ("TERMIN_BOOTSTRAP_ADMIN", "chefin:admin-geheim-7"),
        (
            "TERMIN_SMTP_URL",
            "smtps://mailer:smtp-geheim-7@mail.kaarst.de:465",
        ),
        ("TERMIN_METRICS_TOKEN", "metrics-geheim-7"),
        ("TERMIN_MAIL_FROM", "Bürgerbüro <buergerbuero@kaarst.de>"),
        ("TERMIN_PUBLIC_URL", "https://termine.kaarst.de"),
    ])
    .unwrap();
    // Each secret is there for its users …
    assert!(s.database_url.expose_secret().contains("db-geheim-7"));
    assert!(s.jwt_secret.is_some() && s.smtp.is_some());
    assert!(
        s.metrics_token
            .as_ref()
            .is_some_and(|t| t.expose_secret() == "metrics-geheim-7")
    );
    // … and printed by neither form of Debug, nor in part.
    for printed in [format!("{s:?}"), format!("{s:#?}")] {
        for secret in [
            "db-geheim",
            "jwt-geheim",
            "admin-geheim",
            "smtp-geheim",
            "mailer",
            "metrics-geheim",
            "geheim",
        ] {
            assert!(!printed.contains(secret), "`{secret}` in {printed}");
        }
        // What is not secret still helps whoever reads it.
        assert!(printed.contains("buergerbuero@kaarst.de"), "{printed}");
        assert!(printed.contains("termine.kaarst.de"), "{printed}");
        assert!(printed.contains("chefin"), "{printed}");
    }
}
