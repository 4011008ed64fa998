//! Municipalities in the store (R39), on SQLite always and on PostgreSQL
//! when `TEST_DATABASE_URL` is set (`cargo test -- --ignored`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use domain::{Municipality, MunicipalityId, OfficeScope, Role, Username};
use persistence::test_support::TestDb;
use persistence::test_support::fixtures::MONDAY_10;
use persistence::{NewUser, Store, on_both_backends};

on_both_backends!(
    std::convert::identity::<TestDb>;
    r39_the_migration_makes_todays_data_kaarst_and_its_admins_operators,
    r39_a_users_offices_are_those_of_its_municipality,
);

fn name(s: &str) -> Username {
    Username::parse(s).unwrap()
}

/// A database from before municipalities, migrated: its offices are
/// Kaarst's, its admins operators whose old tokens end.
fn r39_the_migration_makes_todays_data_kaarst_and_its_admins_operators(db: &TestDb) {
    let store = Store::open(db.url()).unwrap();
    assert!(
        store
            .bootstrap_admin(&name("chefin"), "$argon2id$x", MONDAY_10)
            .unwrap()
    );
    let before = store.user(&name("chefin")).unwrap().unwrap();
    assert_eq!(before.role, Role::Operator);
    // Back to before the migration (operators are admins again) and
    // forward again.
    store.redo_migration("_municipalities").unwrap();
    drop(store);
    let store = Store::open(db.url()).unwrap();
    assert_eq!(store.municipalities().unwrap(), [Municipality::kaarst()]);
    for office in store.offices().unwrap() {
        assert_eq!(office.municipality, MunicipalityId::kaarst());
    }
    let after = store.user(&name("chefin")).unwrap().unwrap();
    assert_eq!(after.role, Role::Operator);
    assert_eq!(after.municipality, None);
    assert!(
        after.token_generation > before.token_generation,
        "a token from before names the role `admin`: it ends"
    );
}

/// R29 with R39: an account acts on its stored offices within its
/// municipality; an admin on every office of it.
fn r39_a_users_offices_are_those_of_its_municipality(db: &TestDb) {
    let store = Store::open(db.url()).unwrap();
    let kaarst = MunicipalityId::kaarst();
    let admin = NewUser {
        username: name("kaarst-admin"),
        password_hash: "$argon2id$x".into(),
        role: Role::Admin,
        offices: OfficeScope::All,
        municipality: Some(kaarst.clone()),
    };
    store
        .create_user(&admin, &name("chefin"), MONDAY_10)
        .unwrap();
    let (_, scope) = store.account(&name("kaarst-admin")).unwrap().unwrap();
    assert_eq!(
        scope.offices().map(|s| s.len()),
        Some(2),
        "Kaarst's two offices: {scope:?}"
    );
    // A municipality that does not exist is refused, and nothing is made.
    let elsewhere = NewUser {
        username: name("elsewhere"),
        municipality: Some(MunicipalityId::parse("gibtsnicht").unwrap()),
        ..admin
    };
    assert!(matches!(
        store.create_user(&elsewhere, &name("chefin"), MONDAY_10),
        Err(persistence::StoreError::UnknownMunicipalityNamed(_))
    ));
    assert!(store.user(&name("elsewhere")).unwrap().is_none());
}
