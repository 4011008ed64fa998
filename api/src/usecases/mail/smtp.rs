//! Handing a message to the mail server with `lettre` (R23): plain text and
//! the calendar entry as `text/calendar; method=…`.

use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::{Duration, SystemTime};
use time::OffsetDateTime;

/// Where messages go (`TERMIN_SMTP_URL`): an SMTP connection opened per
/// message, or (`log`, for trials without a mail server) the log.
#[derive(Clone)]
pub struct Smtp {
    transport: Option<AsyncSmtpTransport<Tokio1Executor>>,
}

/// The value of `TERMIN_SMTP_URL` that writes messages to the log.
pub const LOG: &str = "log";

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
     optionally with USER:PASSWORD@, or `log` to write messages to the log (trials only): {0}"
)]
pub struct InvalidSmtpUrl(String);

impl Smtp {
    pub fn new(url: &str) -> Result<Self, InvalidSmtpUrl> {
        if url == LOG {
            return Ok(Self { transport: None });
        }
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| InvalidSmtpUrl(scrub(&e.to_string(), None)))?
            .timeout(Some(Duration::from_secs(30)))
            .build();
        Ok(Self {
            transport: Some(transport),
        })
    }

    /// Whether messages go to the log (`TERMIN_SMTP_URL=log`).
    pub fn is_log(&self) -> bool {
        self.transport.is_none()
    }

    /// Sends `letter`; an error names neither address nor secret. With
    /// `TERMIN_SMTP_URL=log` the letter's recipient, subject and text are
    /// written to the log instead, the one place where an address or a code
    /// (R33) is logged: a trial's choice, warned of at start.
    pub async fn send(&self, letter: Letter) -> Result<(), String> {
        let Some(transport) = &self.transport else {
            tracing::warn!(
                "message written to the log (TERMIN_SMTP_URL=log, for trials only):\n\
                 To: {}\nSubject: {}\n\n{}",
                letter.to,
                letter.subject,
                letter.text.replace("\r\n", "\n")
            );
            return Ok(());
        };
        transport
            .send(letter.message)
            .await
            .map(drop)
            .map_err(|e| scrub(&e.to_string(), Some(&letter.to)))
    }
}

/// An e-mail ready to go: the MIME message, and its recipient, subject and
/// text as written (for errors without the address, and the log mode).
pub struct Letter {
    message: Message,
    to: String,
    subject: String,
    text: String,
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
pub fn build(o: Outgoing<'_>) -> Result<Letter, String> {
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
    let text = o.body.clone();
    let message = Message::builder()
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
        .map_err(|e| e.to_string())?;
    Ok(Letter {
        message,
        to: o.to.to_owned(),
        subject: o.subject.to_owned(),
        text,
    })
}

/// A plain text message without an attachment (R33: a code).
pub fn build_text(
    from: &Mailbox,
    to: &str,
    subject: &str,
    body: String,
    message_id: String,
    date: OffsetDateTime,
) -> Result<Letter, String> {
    let mailbox: Mailbox = to
        .parse()
        .map_err(|_| "the stored e-mail address is not valid".to_owned())?;
    let date = u64::try_from(date.unix_timestamp())
        .map(|s| SystemTime::UNIX_EPOCH + Duration::from_secs(s))
        .unwrap_or(SystemTime::UNIX_EPOCH);
    let text = body.clone();
    let message = Message::builder()
        .from(from.clone())
        .to(mailbox)
        .subject(subject)
        .message_id(Some(message_id))
        .date(date)
        .header(ContentType::TEXT_PLAIN)
        .body(body)
        .map_err(|e| e.to_string())?;
    Ok(Letter {
        message,
        to: to.to_owned(),
        subject: subject.to_owned(),
        text,
    })
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
