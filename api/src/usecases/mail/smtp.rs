//! Handing a message to the mail server with `lettre` (R23): plain text and
//! the calendar entry as `text/calendar; method=…`.

use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::{Duration, SystemTime};
use time::OffsetDateTime;

/// An SMTP connection (opened per message) to `TERMIN_SMTP_URL`.
#[derive(Clone)]
pub struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
}

impl std::fmt::Debug for Smtp {
    /// The URL may hold a password: never printed.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Smtp")
    }
}

/// A URL lettre does not take (the URL itself is not repeated: it may hold
/// a password).
#[derive(Debug, Clone, thiserror::Error)]
#[error(
    "TERMIN_SMTP_URL must be smtp://HOST:PORT (add ?tls=required for STARTTLS) or smtps://HOST:PORT, \
     optionally with USER:PASSWORD@: {0}"
)]
pub struct InvalidSmtpUrl(String);

impl Smtp {
    pub fn new(url: &str) -> Result<Self, InvalidSmtpUrl> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| InvalidSmtpUrl(scrub(&e.to_string(), None)))?
            .timeout(Some(Duration::from_secs(30)))
            .build();
        Ok(Self { transport })
    }

    /// Sends `message`; an error names neither address nor secret.
    pub async fn send(&self, message: Message, to: &str) -> Result<(), String> {
        self.transport
            .send(message)
            .await
            .map(drop)
            .map_err(|e| scrub(&e.to_string(), Some(to)))
    }
}

/// What goes into one e-mail.
pub struct Outgoing<'a> {
    pub from: &'a Mailbox,
    pub to: &'a str,
    pub subject: &'a str,
    pub body: String,
    pub calendar: String,
    /// `REQUEST` or `CANCEL`.
    pub method: &'static str,
    /// Stable per outbox row: a message sent twice (a sender died between
    /// sending and marking) can be recognised by it.
    pub message_id: String,
    pub date: OffsetDateTime,
}

/// The MIME message: the text, and the entry as an attachment.
pub fn build(o: Outgoing<'_>) -> Result<Message, String> {
    let to: Mailbox =
        o.to.parse()
            .map_err(|_| "the stored e-mail address is not valid".to_owned())?;
    let content_type = ContentType::parse(&format!(
        "text/calendar; charset=utf-8; method={}",
        o.method
    ))
    .map_err(|e| e.to_string())?;
    let date = u64::try_from(o.date.unix_timestamp())
        .map(|s| SystemTime::UNIX_EPOCH + Duration::from_secs(s))
        .unwrap_or(SystemTime::UNIX_EPOCH);
    Message::builder()
        .from(o.from.clone())
        .to(to)
        .subject(o.subject)
        .message_id(Some(o.message_id))
        .date(date)
        .multipart(
            MultiPart::mixed()
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_PLAIN)
                        .body(o.body),
                )
                .singlepart(
                    Attachment::new("termin.ics".to_owned()).body(o.calendar, content_type),
                ),
        )
        .map_err(|e| e.to_string())
}

/// A plain text message without an attachment (R33: a code).
pub fn build_text(
    from: &Mailbox,
    to: &str,
    subject: &str,
    body: String,
    message_id: String,
    date: OffsetDateTime,
) -> Result<Message, String> {
    let to: Mailbox = to
        .parse()
        .map_err(|_| "the stored e-mail address is not valid".to_owned())?;
    let date = u64::try_from(date.unix_timestamp())
        .map(|s| SystemTime::UNIX_EPOCH + Duration::from_secs(s))
        .unwrap_or(SystemTime::UNIX_EPOCH);
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(subject)
        .message_id(Some(message_id))
        .date(date)
        .header(ContentType::TEXT_PLAIN)
        .body(body)
        .map_err(|e| e.to_string())
}

/// An error text without the recipient's address or anything else that
/// looks like one (a server may quote it: `550 <x@y>: unknown`).
pub fn scrub(text: &str, to: Option<&str>) -> String {
    let text = match to {
        Some(to) if !to.is_empty() => text.replace(to, "<recipient>"),
        _ => text.to_owned(),
    };
    text.split(' ')
        .map(|word| {
            if word.contains('@') {
                "<address>"
            } else {
                word
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}
