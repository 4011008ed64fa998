//! A real SMTP server on loopback for the tests (R23): speaks enough SMTP
//! for lettre (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT), records
//! every message it accepts, and can be told to refuse (4xx/5xx) or to
//! stop listening, so the tests see retries and failures over a real
//! connection. No mock of lettre.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A message as received: envelope and the raw data.
#[derive(Debug, Clone)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    pub data: String,
}

impl Received {
    /// The parsed MIME message.
    pub fn parsed(&self) -> mailparse::ParsedMail<'_> {
        mailparse::parse_mail(self.data.as_bytes()).unwrap()
    }

    pub fn subject(&self) -> String {
        use mailparse::MailHeaderMap;
        self.parsed()
            .headers
            .get_first_value("Subject")
            .unwrap_or_default()
    }

    pub fn header(&self, name: &str) -> Option<String> {
        use mailparse::MailHeaderMap;
        self.parsed().headers.get_first_value(name)
    }

    /// The decoded body of the first part of this MIME type, and its full
    /// content type.
    pub fn part(&self, mime: &str) -> Option<(String, String)> {
        fn walk(p: &mailparse::ParsedMail<'_>, mime: &str) -> Option<(String, String)> {
            if p.ctype.mimetype == mime {
                use mailparse::MailHeaderMap;
                let ct = p
                    .headers
                    .get_first_value("Content-Type")
                    .unwrap_or_default();
                return Some((p.get_body().unwrap(), ct));
            }
            p.subparts.iter().find_map(|s| walk(s, mime))
        }
        walk(&self.parsed(), mime)
    }

    pub fn text(&self) -> String {
        self.part("text/plain").unwrap().0
    }

    pub fn calendar(&self) -> icalendar::Calendar {
        self.part("text/calendar").unwrap().0.parse().unwrap()
    }
}

/// How the sink answers MAIL FROM.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    Accept,
    /// Answer MAIL FROM with this line, e.g. `451 4.3.0 try again later`.
    Refuse(String),
}

pub struct SmtpSink {
    pub port: u16,
    received: Arc<Mutex<Vec<Received>>>,
    mode: Arc<Mutex<Mode>>,
    stopped: Arc<AtomicBool>,
}

impl SmtpSink {
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let received = Arc::new(Mutex::new(Vec::new()));
        let mode = Arc::new(Mutex::new(Mode::Accept));
        let stopped = Arc::new(AtomicBool::new(false));
        let (r, m, s) = (received.clone(), mode.clone(), stopped.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if s.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let (r, m) = (r.clone(), m.clone());
                std::thread::spawn(move || {
                    let _ = session(stream, &r, &m);
                });
            }
        });
        Self {
            port,
            received,
            mode,
            stopped,
        }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn set_mode(&self, mode: Mode) {
        *self.mode.lock().unwrap() = mode;
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    /// Waits (real time, bounded) until at least `n` messages arrived.
    pub fn wait_for(&self, n: usize) -> Vec<Received> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let got = self.received();
            if got.len() >= n {
                return got;
            }
            assert!(
                Instant::now() < deadline,
                "{} of {n} messages arrived: {got:#?}",
                got.len()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.stopped.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn session(
    stream: TcpStream,
    received: &Mutex<Vec<Received>>,
    mode: &Mutex<Mode>,
) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    stream.set_nodelay(true)?;
    let mut out = stream.try_clone()?;
    let mut input = BufReader::new(stream);
    out.write_all(b"220 sink.test ESMTP\r\n")?;
    let (mut from, mut to) = (String::new(), Vec::new());
    let mut line = String::new();
    loop {
        line.clear();
        if input.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_owned();
        let verb = command.get(..4).unwrap_or(&command).to_ascii_uppercase();
        match verb.as_str() {
            "EHLO" => out.write_all(b"250-sink.test\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n")?,
            "HELO" | "NOOP" => out.write_all(b"250 ok\r\n")?,
            "RSET" => {
                from.clear();
                to.clear();
                out.write_all(b"250 ok\r\n")?;
            }
            "MAIL" => match mode.lock().unwrap().clone() {
                Mode::Accept => {
                    from = command[10..].to_owned();
                    out.write_all(b"250 ok\r\n")?;
                }
                Mode::Refuse(answer) => out.write_all(format!("{answer}\r\n").as_bytes())?,
            },
            "RCPT" => {
                to.push(
                    command[8..]
                        .trim_matches(|c| c == '<' || c == '>')
                        .to_owned(),
                );
                out.write_all(b"250 ok\r\n")?;
            }
            "DATA" => {
                out.write_all(b"354 go ahead\r\n")?;
                let mut data = String::new();
                loop {
                    line.clear();
                    if input.read_line(&mut line)? == 0 {
                        return Ok(());
                    }
                    if line == ".\r\n" {
                        break;
                    }
                    let unstuffed = line.strip_prefix('.').unwrap_or(&line);
                    data.push_str(unstuffed);
                }
                received.lock().unwrap().push(Received {
                    from: std::mem::take(&mut from),
                    to: std::mem::take(&mut to),
                    data,
                });
                out.write_all(b"250 queued\r\n")?;
            }
            "QUIT" => {
                out.write_all(b"221 bye\r\n")?;
                return Ok(());
            }
            _ => out.write_all(b"502 not implemented\r\n")?,
        }
    }
}
