//! Blocking work (diesel's store calls) off the async threads, inside the
//! caller's span: [`block_in_span`], the one way `AppState::call` and the
//! display's first read run it.

use actix_web::web;

/// `web::block` inside the caller's span: what `f` logs on the blocking
/// thread carries the request's id like the rest of the request.
pub async fn block_in_span<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, actix_web::error::BlockingError> {
    let span = tracing::Span::current();
    web::block(move || span.in_scope(f)).await
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use std::io::Write;
    use std::sync::{Arc, Mutex, OnceLock};
    use tracing::Instrument;

    /// What the process's subscriber wrote (one for all of this crate's
    /// tests, which may log beside this one).
    static LOG: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();

    struct Capture(Arc<Mutex<Vec<u8>>>);

    impl Write for Capture {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn blocking_work_logs_inside_the_request_span() {
        let log = LOG.get_or_init(|| {
            let log = Arc::new(Mutex::new(Vec::new()));
            let writer = Arc::clone(&log);
            let subscriber = tracing_subscriber::fmt()
                .with_ansi(false)
                .with_writer(move || Capture(Arc::clone(&writer)))
                .finish();
            tracing::subscriber::set_global_default(subscriber).unwrap();
            log
        });
        let span = tracing::info_span!("request", id = %"req-4711");
        let answer = actix_web::rt::System::new()
            .block_on(
                async {
                    block_in_span(|| {
                        tracing::info!("on the blocking thread 4711");
                        std::thread::current().id()
                    })
                    .await
                }
                .instrument(span),
            )
            .unwrap();
        assert_ne!(answer, std::thread::current().id(), "not run in place");
        let text = String::from_utf8(log.lock().unwrap().clone()).unwrap();
        let line = text
            .lines()
            .find(|l| l.contains("on the blocking thread 4711"))
            .expect("logged");
        assert!(line.contains("request{id=req-4711}"), "{line}");
    }
}
