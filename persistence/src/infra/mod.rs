//! The infrastructure under the tables: the store and its pool
//! (`store`, `connection`), the diesel schema (`schema`), how values are
//! stored (`codec`), locks (`locks`), tokens and sealed secrets (`secret`),
//! the `Idempotency-Key`s (`idempotency`), and the opening of every locked
//! write (`unit`). The modules beside `infra` are the tables and what is
//! done with them.

pub(crate) mod codec;
pub(crate) mod connection;
pub(crate) mod idempotency;
pub(crate) mod locks;
pub(crate) mod schema;
pub(crate) mod secret;
pub(crate) mod store;
pub(crate) mod unit;
