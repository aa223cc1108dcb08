use super::*;

fn utc() -> Zone {
    Zone::Named(Tz::UTC)
}

fn at(s: &str) -> Option<DateTime<FixedOffset>> {
    DateTime::parse_from_rfc3339(s).ok()
}

#[test]
fn zones_by_iana_name_abbreviation_and_offset() {
    assert_eq!(
        parse_zone("Europe/Berlin"),
        Some(Zone::Named(chrono_tz::Europe::Berlin))
    );
    let cet = Zone::Fixed(FixedOffset::east_opt(3600).unwrap());
    assert_eq!(parse_zone("CET"), Some(cet));
    assert_eq!(parse_zone("+01:00"), Some(cet));
    assert_eq!(parse_zone("UTC+1"), Some(cet));
    assert_eq!(
        parse_zone("PST"),
        Some(Zone::Fixed(FixedOffset::west_opt(8 * 3600).unwrap()))
    );
    assert_eq!(parse_zone("Mars/Olympus"), None);
    assert_eq!(zone_line("All times in CET."), Some(cet));
    assert_eq!(
        zone_line("All times are UTC"),
        Some(Zone::Fixed(FixedOffset::east_opt(0).unwrap()))
    );
    assert_eq!(
        zone_line("Timezone: Europe/Berlin"),
        Some(Zone::Named(chrono_tz::Europe::Berlin))
    );
    assert_eq!(zone_line("(times in +02:00)"), parse_zone("+02:00"));
    assert_eq!(zone_line("We rolled back the CET cluster"), None);
}

#[test]
fn stamps_in_the_forms_teams_write() {
    let d = NaiveDate::from_ymd_opt(2020, 1, 21);
    let cet = parse_zone("CET").unwrap();
    let w = leading_when("2020-01-21 15:36 Deploy starts", None, cet).unwrap();
    assert_eq!(
        (w.written.as_str(), w.at, w.rest),
        (
            "2020-01-21 15:36",
            at("2020-01-21T15:36:00+01:00"),
            "Deploy starts"
        )
    );
    let w = leading_when("21-01-2020 15:36 | paged", None, utc()).unwrap();
    assert_eq!(w.at, at("2020-01-21T15:36:00Z"));
    let w = leading_when("Jan 21, 15:36 - First alert", d, utc()).unwrap();
    assert_eq!(
        (w.at, w.rest),
        (at("2020-01-21T15:36:00Z"), "- First alert")
    );
    let w = leading_when("21 Jan 2020 3:36 PM rollback", None, utc()).unwrap();
    assert_eq!(w.at, at("2020-01-21T15:36:00Z"));
    let w = leading_when("15:36 UTC Mitigated", d, cet).unwrap();
    assert_eq!((w.at, w.rest), (at("2020-01-21T15:36:00Z"), "Mitigated"));
    let w = leading_when("**15:36** Resolved", d, cet).unwrap();
    assert_eq!(
        (w.bare, w.at),
        (
            NaiveTime::from_hms_opt(15, 36, 0),
            at("2020-01-21T15:36:00+01:00")
        )
    );
    let w = leading_when("2020-01-21T15:36:00Z done", None, cet).unwrap();
    assert_eq!(w.at, at("2020-01-21T15:36:00Z"));
    assert!(leading_when("Deploy at 15:36", d, utc()).is_none());
    assert!(leading_when("Jan", d, utc()).is_none());
}

#[test]
fn durations_in_prose() {
    assert_eq!(parse_duration("54 minutes"), Some(54 * 60));
    assert_eq!(
        parse_duration("2 hours 28 minutes"),
        Some(2 * 3600 + 28 * 60)
    );
    assert_eq!(parse_duration("54 hours"), Some(54 * 3600));
    assert_eq!(parse_duration("1h20m"), Some(80 * 60));
    assert_eq!(parse_duration("2.5 hours"), Some(9000));
    assert_eq!(
        parse_duration("1 day, 2 hours and 5 mins"),
        Some(86400 + 7200 + 300)
    );
    assert_eq!(parse_duration("?"), None);
    assert_eq!(parse_duration("N/A"), None);
    assert_eq!(parse_duration("soon"), None);
    assert_eq!(
        stated_duration("- Time to detection: 54 minutes"),
        Some((Figure::Detect, Some(3240)))
    );
    assert_eq!(
        stated_duration("- **Time to recovery:** 2 hours 28 minutes"),
        Some((Figure::Resolve, Some(8880)))
    );
    assert_eq!(
        stated_duration("TTM: 1h"),
        Some((Figure::Mitigate, Some(3600)))
    );
    assert_eq!(
        stated_duration("- Time to detect: ?"),
        Some((Figure::Detect, None))
    );
    assert_eq!(stated_duration("- Category: Kubernetes"), None);
}

#[test]
fn table_rows() {
    assert_eq!(
        table_cells("| 15:36 | Paged |"),
        Some(vec!["15:36".into(), "Paged".into()])
    );
    assert!(is_separator(&table_cells("|---|:---:|").unwrap()));
    assert!(!is_separator(&table_cells("| a | - |").unwrap()));
    assert_eq!(table_cells("not a row"), None);
}
