//! Baseline for the load harness: the plainest actix-web server, answering
//! every GET with one fixed JSON body of about 1 KB (the size of a short slot
//! list). Slot search is measured as a share of its rate: the ceiling of the
//! framework and the client on this machine, with no work of our own.

use actix_web::{App, HttpResponse, HttpServer, web};

fn body() -> String {
    let slots: Vec<String> = (0..16)
        .map(|i| {
            format!(
                r#"{{"start":"2026-12-01T{:02}:{:02}:00+01:00","end":"2026-12-01T{:02}:{:02}:00+01:00"}}"#,
                8 + i / 4,
                (i % 4) * 15,
                8 + (i + 1) / 4,
                ((i + 1) % 4) * 15
            )
        })
        .collect();
    format!(r#"{{"duration_minutes":15,"slots":[{}]}}"#, slots.join(","))
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let bind = std::env::var("PLAIN_BIND").unwrap_or_else(|_| "127.0.0.1:18090".into());
    let body = web::Data::new(body());
    HttpServer::new(move || {
        App::new()
            .app_data(body.clone())
            .default_service(web::get().to(|b: web::Data<String>| async move {
                HttpResponse::Ok()
                    .content_type("application/json")
                    .body(b.get_ref().clone())
            }))
    })
    .bind(bind)?
    .run()
    .await
}
