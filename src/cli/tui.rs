//! The two commands that open the desk screen: `kofu` (no subcommand) and `kofu demo`.

use std::path::PathBuf;

use super::{CliError, Ctx};
use crate::store::import::ImportOptions;

/// The demo shipping list, compiled in so `kofu demo` works from the executable alone.
pub const DEMO_MANIFEST: &[u8] = include_bytes!("../../data/demo/manifest.csv");

/// `kofu`: the desk screen on the desk's database.
pub fn desk(ctx: &Ctx) -> Result<(), CliError> {
    ctx.human_only()?;
    // The first start of each day makes a backup (VACUUM INTO backups/kofu-YYYYMMDD.db).
    let store = ctx.open()?;
    let dir = crate::store::office::backups::backups_dir(ctx.db);
    if let Err(e) = store.auto_backup(&dir, ctx.data.desk.backups_keep) {
        // Not fatal for the counter, but the officer must know.
        eprintln!("警告: 自動バックアップに失敗しました: {e}");
        tracing::warn!("automatic backup failed: {e}");
    }
    drop(store);
    run_tui(ctx.db.to_path_buf(), ctx, false)
}

fn run_tui(db: PathBuf, ctx: &Ctx, demo: bool) -> Result<(), CliError> {
    let opts = crate::runtime::TuiOptions {
        db,
        data: ctx.data.clone(),
        demo,
        glyphs: None,
        clock: ctx.clock.clone(),
    };
    crate::runtime::run_tui(opts).map_err(CliError::bad_input)
}

/// Where `kofu demo` keeps its database when no `--db` is given: recreated at every start.
pub fn default_demo_db() -> PathBuf {
    super::default_db_path()
        .parent()
        .map(|d| d.join("demo").join("kofu-demo.db"))
        .unwrap_or_else(|| PathBuf::from("kofu-demo.db"))
}

/// `kofu demo`: the desk screen with the simulated reader on a demo database.
///
/// Without `--db`, a fresh demo database is made at every start. With `--db`, that file is used
/// and the demo shipment imported when it holds no cards; a database holding any other shipment
/// is refused, so demo handovers can never land in a real desk's records.
pub fn demo(ctx: &Ctx) -> Result<(), CliError> {
    ctx.human_only()?;
    let db = match ctx.explicit_db {
        Some(p) => p.to_path_buf(),
        None => {
            let p = default_demo_db();
            for suffix in ["", "-wal", "-shm"] {
                let f = PathBuf::from(format!("{}{suffix}", p.display()));
                if f.exists() && std::fs::remove_file(&f).is_err() {
                    return Err(CliError::bad_input(format!(
                        "デモ用データベースを作り直せません: {}",
                        f.display()
                    )));
                }
            }
            p
        }
    };
    let demo_ctx = Ctx { db: &db, ..*ctx };
    let mut store = demo_ctx.open()?;
    use sha2::Digest;
    let demo_hash = hex::encode(sha2::Sha256::digest(DEMO_MANIFEST));
    if store.count_shipments_except(&demo_hash)? > 0 {
        return Err(CliError::bad_input(format!(
            "デモモードはデモ用のデータベースでだけ起動できます（{} には実際の発送リストが取り込まれています）",
            db.display()
        )));
    }
    if store.card_count().unwrap_or(0) == 0 {
        let profile = ctx.data.profile("default").map_err(CliError::bad_input)?;
        let expected = |issued, born, c: &_| super::import::data_expiry(ctx.data, issued, born, c);
        let opts = ImportOptions {
            profile,
            dry_run: false,
            officer_id: None,
            arrived_on: ctx.clock.today(),
            expected_expiry: &expected,
        };
        crate::store::import::import_bytes(
            &mut store,
            "data/demo/manifest.csv",
            DEMO_MANIFEST,
            &opts,
        )
        .map_err(|e| CliError::bad_input(format!("デモデータを取り込めません: {e}")))?;
    }
    drop(store);
    run_tui(db, ctx, true)
}
