//! Sending the outbox (R23, I6): a task in the server process that claims
//! the messages due by the injected clock, renders them from the booking's
//! current state (German text from templates, the calendar entry), hands
//! them to the SMTP server, and marks them sent, or failed for a retry.
//! Without `TERMIN_SMTP_URL` the messages stay in the outbox and are logged
//! as not sent; with `TERMIN_SMTP_URL=log` (trials only) they are "sent" to
//! the log, text and all. Otherwise logs name the booking and the message,
//! never an address, a code or a token.

pub mod ics;
pub mod render;
pub mod smtp;

use crate::clock::Clock;
use crate::usecases::passes::Passes;
use domain::{MessageKind, MessageStatus};
use lettre::message::Mailbox;
use persistence::{ClaimedMessage, Store, StoreError};
use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use uuid::Uuid;

/// How long a claimed message is a sender's alone (by the injected clock);
/// after that another sender may take it over.
pub const LEASE: time::Duration = time::Duration::minutes(5);
/// Messages claimed at once.
const BATCH: u32 = 20;

/// The base of the links in messages (`TERMIN_PUBLIC_URL`): `http(s)://`,
/// a host, optionally a port and a path; no query, no fragment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicUrl {
    base: String,
    host: String,
}

#[derive(Debug, Clone, thiserror::Error)]
#[error(
    "TERMIN_PUBLIC_URL must be an http:// or https:// URL with a host and no query or fragment, \
     like https://termine.kaarst.de"
)]
pub struct InvalidPublicUrl;

impl PublicUrl {
    pub fn parse(raw: &str) -> Result<Self, InvalidPublicUrl> {
        let raw = raw.trim().trim_end_matches('/');
        let rest = raw
            .strip_prefix("https://")
            .or_else(|| raw.strip_prefix("http://"))
            .ok_or(InvalidPublicUrl)?;
        if rest.is_empty()
            || rest.contains(['?', '#', '@', ' ', '\\'])
            || rest.chars().any(char::is_control)
        {
            return Err(InvalidPublicUrl);
        }
        let authority = rest.split('/').next().unwrap_or_default();
        let host = match authority.strip_prefix('[') {
            Some(v6) => v6.split(']').next().unwrap_or_default(),
            None => authority.split(':').next().unwrap_or_default(),
        };
        let port_ok = authority
            .rsplit_once(']')
            .map_or(authority, |(_, p)| p)
            .split_once(':')
            .is_none_or(|(_, p)| p.parse::<u16>().is_ok());
        if host.is_empty() || !port_ok {
            return Err(InvalidPublicUrl);
        }
        Ok(Self {
            base: raw.to_owned(),
            host: host.to_ascii_lowercase(),
        })
    }

    /// The host, for the calendar entry's UID and the Message-ID.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// Where the citizen manages booking `id`. The token is in the fragment,
    /// which browsers never send to a server, so it lands in no access log.
    pub fn manage_link(&self, id: Uuid, token: &str) -> String {
        format!("{}/termine/{id}#token={token}", self.base)
    }
}

impl std::fmt::Display for PublicUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.base)
    }
}

/// What the sender and the calendar route need.
#[derive(Debug, Clone)]
pub struct MailConfig {
    /// `None`: keep messages in the outbox, log them as not sent.
    pub smtp: Option<smtp::Smtp>,
    pub from: Mailbox,
    pub public_url: PublicUrl,
    /// How often the outbox is looked at (real time; what is due is decided
    /// by the injected clock).
    pub poll: Duration,
}

/// R39: who a municipality's messages come from and where their links
/// point: its own sender and public URL, else the deployment's.
#[derive(Debug, Clone)]
pub struct Origin {
    pub from: Mailbox,
    pub public_url: PublicUrl,
    /// The municipality's name, under the office's in a message.
    pub name: String,
}

impl MailConfig {
    /// R39: the origin of `municipality`'s messages. Its sender and URL
    /// were checked when set; one that still does not parse here falls
    /// back to the deployment's, with a warning.
    pub fn origin(&self, municipality: &domain::Municipality) -> Origin {
        let from = municipality.mail_from.as_deref().and_then(|raw| {
            let parsed = raw.parse::<Mailbox>().ok();
            if parsed.is_none() {
                tracing::warn!(municipality = %municipality.id, "its sender does not parse; using TERMIN_MAIL_FROM");
            }
            parsed
        });
        let public_url = municipality.public_url.as_deref().and_then(|raw| {
            let parsed = PublicUrl::parse(raw).ok();
            if parsed.is_none() {
                tracing::warn!(municipality = %municipality.id, "its public URL does not parse; using TERMIN_PUBLIC_URL");
            }
            parsed
        });
        Origin {
            from: from.unwrap_or_else(|| self.from.clone()),
            public_url: public_url.unwrap_or_else(|| self.public_url.clone()),
            name: municipality.name.clone(),
        }
    }
}

/// The running sender; stopped with the server.
pub struct Sender {
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl Sender {
    /// Starts the sender on the current runtime; `passes` counts the passes
    /// over the outbox that read it through.
    pub fn spawn(
        store: Arc<Store>,
        clock: Clock,
        config: Arc<MailConfig>,
        passes: Arc<Passes>,
    ) -> Self {
        let (stop, mut stopped) = watch::channel(false);
        let task = tokio::spawn(async move {
            let mut announced = HashSet::new();
            let mut tick = tokio::time::interval(config.poll);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    _ = tick.tick() => {}
                    _ = stopped.changed() => break,
                }
                let result = match &config.smtp {
                    Some(smtp) => match send_due(&store, &clock, &config, smtp).await {
                        Ok(()) => send_codes(&store, &clock, &config, smtp).await,
                        failed => failed,
                    },
                    None => announce_unsent(&store, &clock, &mut announced).await,
                };
                match result {
                    Ok(()) => passes.completed(),
                    Err(e) => tracing::warn!(error = %e, "the outbox could not be read"),
                }
            }
        });
        Self { stop, task }
    }

    /// Stops after the message in hand (a claimed one not yet marked is
    /// taken over by another sender when its lease runs out).
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, StoreError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| StoreError::Unavailable(e.to_string()))?
}

/// Claims, sends and marks every message due now. The messages of a batch
/// go out at once, each on its own connection: lettre writes the final
/// `.` of a message in a small packet of its own, which waits for the
/// server's delayed ACK (about 40 ms on Linux), so one after the other
/// would cap a sender at about 20 messages a second.
async fn send_due(
    store: &Arc<Store>,
    clock: &Clock,
    config: &Arc<MailConfig>,
    smtp: &smtp::Smtp,
) -> Result<(), StoreError> {
    loop {
        let now = clock.now();
        let s = Arc::clone(store);
        let batch = blocking(move || s.claim_messages(now, LEASE, BATCH)).await?;
        if batch.is_empty() {
            return Ok(());
        }
        let mut sending = tokio::task::JoinSet::new();
        for claimed in batch {
            let (store, clock) = (Arc::clone(store), clock.clone());
            let (config, smtp) = (Arc::clone(config), smtp.clone());
            sending.spawn(async move { send_one(&store, &clock, &config, &smtp, claimed).await });
        }
        let mut result = Ok(());
        while let Some(done) = sending.join_next().await {
            match done {
                Ok(Err(e)) => result = Err(e),
                Err(e) => result = Err(StoreError::Unavailable(e.to_string())),
                Ok(Ok(())) => {}
            }
        }
        result?;
    }
}

/// R33, I6: sends every code waiting, each claimed under a lease and
/// marked sent, so one goes out once however many senders run. A code
/// that could not be sent is released for the next pass while valid. The
/// code is never logged.
async fn send_codes(
    store: &Arc<Store>,
    clock: &Clock,
    config: &Arc<MailConfig>,
    smtp: &smtp::Smtp,
) -> Result<(), StoreError> {
    let now = clock.now();
    let s = Arc::clone(store);
    let claimed = blocking(move || s.claim_codes(now, LEASE, BATCH)).await?;
    for code in claimed {
        let text = render::render_code(&code.code, code.expires_at);
        let host = config.public_url.host();
        let message = text.and_then(|text| {
            smtp::build_text(
                &config.from,
                &code.email,
                &text.subject,
                text.body,
                format!("<{}@{host}>", code.id),
                now,
            )
        });
        let result = match message {
            Ok(letter) => smtp.send(letter).await,
            Err(e) => Err(e),
        };
        let (s, id, claim) = (Arc::clone(store), code.id, code.claim.clone());
        match result {
            Ok(()) => {
                let now = clock.now();
                blocking(move || s.mark_code_sent(id, &claim, now)).await?;
                tracing::info!(verification = %id, "verification code sent");
            }
            Err(error) => {
                blocking(move || s.release_code(id, &claim)).await?;
                tracing::warn!(verification = %id, %error, "verification code not sent; will retry");
            }
        }
    }
    Ok(())
}

/// Sends one claimed message and marks it.
async fn send_one(
    store: &Arc<Store>,
    clock: &Clock,
    config: &MailConfig,
    smtp: &smtp::Smtp,
    claimed: ClaimedMessage,
) -> Result<(), StoreError> {
    let (id, claim) = (claimed.message.id, claimed.claim.clone());
    let (booking, kind) = (claimed.booking.id, claimed.message.kind);
    let result = match outgoing(&claimed, config, clock.now()) {
        Ok(letter) => smtp.send(letter).await,
        Err(e) => Err(e),
    };
    let s = Arc::clone(store);
    let now = clock.now();
    match result {
        Ok(()) => {
            let mine = blocking(move || s.mark_sent(id, &claim, now)).await?;
            tracing::info!(%booking, message = %id, %kind, mine, "message sent");
        }
        Err(error) => {
            let logged = error.clone();
            let status = blocking(move || s.mark_failed(id, &claim, &error, now)).await?;
            if status == MessageStatus::Failed {
                tracing::error!(%booking, message = %id, %kind, error = %logged, "message failed for good");
            } else {
                tracing::warn!(%booking, message = %id, %kind, error = %logged, "message not sent; will retry");
            }
        }
    }
    Ok(())
}

/// The e-mail of a claimed message.
fn outgoing(
    claimed: &ClaimedMessage,
    config: &MailConfig,
    now: time::OffsetDateTime,
) -> Result<smtp::Letter, String> {
    let booking = &claimed.booking;
    let to = booking
        .citizen
        .email()
        .ok_or("the booking has no e-mail address")?
        .to_owned();
    let origin = config.origin(&claimed.municipality);
    let link = match (claimed.message.kind, &claimed.secret) {
        (MessageKind::Confirmation, Some(token)) => {
            Some(origin.public_url.manage_link(booking.id, token))
        }
        _ => None,
    };
    let text = render::render(
        claimed.message.kind,
        booking,
        &claimed.office,
        &origin.name,
        link.as_deref(),
    )
    .map_err(|e| format!("template: {e}"))?;
    let host = origin.public_url.host();
    smtp::build(smtp::Outgoing {
        from: &origin.from,
        to: &to,
        subject: &text.subject,
        body: text.body,
        calendar: ics::calendar(
            booking,
            &claimed.office,
            host,
            origin.from.email.as_ref(),
            now,
        ),
        method: ics::method(booking),
        message_id: format!("<{}@{host}>", claimed.message.id),
        date: now,
    })
}

/// Without a mail server: each due message is logged once per process as
/// not sent (by booking and message id); it stays pending in the outbox.
async fn announce_unsent(
    store: &Arc<Store>,
    clock: &Clock,
    announced: &mut HashSet<Uuid>,
) -> Result<(), StoreError> {
    let now = clock.now();
    let s = Arc::clone(store);
    let pending = blocking(move || s.due_messages(now, 1000)).await?;
    for m in &pending {
        if announced.len() < 100_000 && announced.insert(m.id) {
            tracing::info!(booking = %m.booking, message = %m.id, kind = %m.kind,
                "message not sent: TERMIN_SMTP_URL is not set; it stays in the outbox");
        }
    }
    Ok(())
}
