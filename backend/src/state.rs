//! Shared, immutable application state. Handlers keep nothing between requests: all state is
//! in the database and the signed token, so any number of instances can run side by side.

use std::path::PathBuf;
use std::sync::Arc;

use sea_orm::{DatabaseConnection, DatabaseTransaction, TransactionTrait};
use tokio::sync::{Mutex, OwnedMutexGuard};

use crate::auth::{PasswordHasherPool, TokenKeys};
use crate::error::AppResult;

#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub struct Inner {
    pub db: DatabaseConnection,
    pub tokens: TokenKeys,
    pub passwords: PasswordHasherPool,
    pub trust_proxy: bool,
    /// A random id of this server process, naming the owner of the jobs it drives.
    pub instance: String,
    pub dist_dir: PathBuf,
    /// Where files beside the database live (evidence, imports, audit anchors).
    pub data_dir: PathBuf,
    /// Evidence files (佐证材料), content-addressed (see [`crate::evidence`]).
    pub evidence: crate::evidence::EvidenceStore,
    /// Uploaded import spreadsheets, content-addressed like evidence (see [`crate::business::registration::import`]).
    pub imports: crate::evidence::EvidenceStore,
    /// SQLite allows one writer at a time and fails (rather than waits) when a read transaction
    /// tries to become a writer; serialising write transactions in-process avoids that.
    /// PostgreSQL needs no such lock.
    sqlite_writer: Option<Arc<Mutex<()>>>,
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl AppState {
    pub fn new(
        db: DatabaseConnection,
        jwt_secret: &[u8],
        trust_proxy: bool,
        dist_dir: PathBuf,
        data_dir: PathBuf,
    ) -> Self {
        let sqlite_writer = crate::db::is_sqlite(&db).then(|| Arc::new(Mutex::new(())));
        AppState(Arc::new(Inner {
            db,
            tokens: TokenKeys::new(jwt_secret),
            passwords: PasswordHasherPool::new(),
            trust_proxy,
            instance: {
                use rand::Rng;
                hex::encode(rand::thread_rng().gen::<[u8; 12]>())
            },
            dist_dir,
            evidence: crate::evidence::EvidenceStore::new(data_dir.join("evidence")),
            imports: crate::evidence::EvidenceStore::new(data_dir.join("imports")),
            data_dir,
            sqlite_writer,
        }))
    }

    /// Begin a transaction that will write. Every write goes through here so that its audit
    /// entry commits (or rolls back) together with it.
    pub async fn begin_write(&self) -> AppResult<WriteTx> {
        let guard = match &self.sqlite_writer {
            Some(lock) => Some(lock.clone().lock_owned().await),
            None => None,
        };
        let tx = self.db.begin().await?;
        Ok(WriteTx {
            tx: Some(tx),
            guard,
        })
    }
}

/// A write transaction (and, on SQLite, the writer lock held until it ends).
///
/// A transaction dropped without commit (a handler returning an error) is rolled back before
/// the writer lock is released: a dropped sqlx transaction only queues its ROLLBACK, and on
/// SQLite the next writer's read transaction would otherwise meet the still-held write lock
/// when it upgrades, which fails at once ("database is locked") instead of waiting.
pub struct WriteTx {
    tx: Option<DatabaseTransaction>,
    guard: Option<OwnedMutexGuard<()>>,
}

impl WriteTx {
    pub async fn commit(mut self) -> AppResult<()> {
        if let Some(tx) = self.tx.take() {
            tx.commit().await?;
        }
        Ok(())
    }
}

impl Drop for WriteTx {
    fn drop(&mut self) {
        let (Some(tx), guard) = (self.tx.take(), self.guard.take()) else {
            return;
        };
        match tokio::runtime::Handle::try_current() {
            Ok(rt) => {
                rt.spawn(async move {
                    let _ = tx.rollback().await;
                    drop(guard);
                });
            }
            // No runtime left (shutdown): the connection's queued rollback is all there is.
            Err(_) => drop(tx),
        }
    }
}

impl std::ops::Deref for WriteTx {
    type Target = DatabaseTransaction;
    fn deref(&self) -> &DatabaseTransaction {
        // Present until commit or drop, which both consume the WriteTx.
        self.tx
            .as_ref()
            .unwrap_or_else(|| unreachable!("a WriteTx is used only before its commit"))
    }
}
