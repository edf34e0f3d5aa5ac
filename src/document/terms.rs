//! Payment terms: what the buyer owes when, and the discount for paying early.

use chrono::{Datelike, Days, Months, NaiveDate};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

/// Payment terms as agreed (an ITD segment on the wire).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Terms {
    pub kind: TermsKind,
    /// The date the days count from.
    pub basis: TermsBasis,
    /// Early-payment discount, percent (2 for "2% 10 NET 30").
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub discount_percent: Option<Decimal>,
    /// Days from the basis date within which the discount applies.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub discount_days: Option<u32>,
    /// A fixed last day for the discount, when given instead of (or with) days.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub discount_due_date: Option<NaiveDate>,
    /// Days from the basis date until the net amount is due.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub net_days: Option<u32>,
    /// A fixed due date, when given instead of (or with) days.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub net_due_date: Option<NaiveDate>,
    /// The discount as an amount, when the sender states it.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub discount_amount: Option<Decimal>,
    /// Day of the month payment is due (end-of-month style terms).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub day_of_month: Option<u32>,
    /// The terms in words, as sent ("NET 30", "2% 10 NET 30").
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub description: Option<String>,
}

/// The kind of terms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum TermsKind {
    #[default]
    Basic,
    EndOfMonth,
    FixedDate,
    DeferredOrInstallment,
    DiscountNotApplicable,
    /// A kind this model has no name for, with the sender's own code or words.
    Other(String),
}

/// The date payment days count from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum TermsBasis {
    #[default]
    InvoiceDate,
    ShipDate,
    DeliveryDate,
    ReceiptOfGoods,
    ReceiptOfInvoice,
    /// A basis this model has no name for, with the sender's own code or words.
    Other(String),
}

impl Terms {
    /// "NET 30": the whole amount due `days` after the invoice date, no discount.
    pub fn net(days: u32) -> Terms {
        Terms {
            net_days: Some(days),
            ..Terms::default()
        }
    }

    /// "2% 10 NET 30": `percent` off for paying within `discount_days` of the invoice date,
    /// the whole amount due after `net_days`.
    pub fn discount(percent: Decimal, discount_days: u32, net_days: u32) -> Terms {
        Terms {
            discount_percent: Some(percent),
            discount_days: Some(discount_days),
            net_days: Some(net_days),
            ..Terms::default()
        }
    }

    /// End-of-month terms ("EOM", ITD01 02 on the wire): days count from the last day of the
    /// basis month rather than from the basis date itself, so everything invoiced in a
    /// month falls due together.
    fn counts_from_end_of_month(&self) -> bool {
        self.kind == TermsKind::EndOfMonth
    }

    fn discount_offered(&self) -> bool {
        self.kind != TermsKind::DiscountNotApplicable
    }

    /// The date the stated days are counted from.
    fn day_zero(&self, basis_date: NaiveDate) -> Option<NaiveDate> {
        if self.counts_from_end_of_month() {
            end_of_month(basis_date)
        } else {
            Some(basis_date)
        }
    }

    /// The last day to pay the net amount, for an invoice whose basis date (invoice, ship,
    /// delivery date... as `basis` says) is `basis_date`.
    ///
    /// The rules, first that applies:
    /// 1. a fixed net due date, when stated, is the answer whatever the days say;
    /// 2. a day of the month (ITD13 on the wire: proximo and EOM terms, "due the 10th") is
    ///    that day of the month after the basis month, or that month's last day when it is
    ///    shorter ("the 31st" in February is the 28th or 29th);
    /// 3. net days count from the basis date, or for end-of-month terms from the last day
    ///    of the basis month ("NET 10 EOM" on an invoice of 15 January: 31 January + 10 =
    ///    10 February; "NET 30 EOM": 2 March, or 1 March in a leap year).
    ///
    /// `None` when the terms state no net date or days, or the date would leave the
    /// calendar.
    pub fn net_due_date_from(&self, basis_date: NaiveDate) -> Option<NaiveDate> {
        if let Some(date) = self.net_due_date {
            return Some(date);
        }
        if let Some(day) = self.day_of_month {
            return day_of_following_month(basis_date, day);
        }
        let days = self.net_days?;
        self.day_zero(basis_date)?
            .checked_add_days(Days::new(u64::from(days)))
    }

    /// The last day to pay with the discount: the fixed discount date when stated, else the
    /// discount days counted like net days (from the basis date, or from the end of the
    /// basis month for end-of-month terms: "2% 10 EOM" is the 10th of the next month).
    /// The day of the month is the net date's, not the discount's. `None` when the terms
    /// state neither, or say no discount applies.
    pub fn discount_due_date_from(&self, basis_date: NaiveDate) -> Option<NaiveDate> {
        if !self.discount_offered() {
            return None;
        }
        if let Some(date) = self.discount_due_date {
            return Some(date);
        }
        let days = self.discount_days?;
        self.day_zero(basis_date)?
            .checked_add_days(Days::new(u64::from(days)))
    }

    /// The discount earned on `amount` by paying within the discount period: the amount the
    /// sender stated when there is one (it was computed on the invoice and wins over our
    /// arithmetic), else the percent of `amount` to the cent, halves rounded away from zero
    /// as invoices are (1% of 0.50 is 0.01, not the banker's 0.00). `None` when no discount
    /// is offered or the product overflows.
    pub fn discount_on(&self, amount: Decimal) -> Option<Decimal> {
        if !self.discount_offered() {
            return None;
        }
        if let Some(stated) = self.discount_amount {
            return Some(stated);
        }
        let percent = self.discount_percent?;
        let discount = percent
            .checked_mul(amount)?
            .checked_div(Decimal::ONE_HUNDRED)?;
        Some(discount.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero))
    }

    /// What settles `amount` when paid on `paid_on`: less the discount up to and including
    /// the discount due date, the whole amount after it (or when no discount period can be
    /// worked out).
    pub fn amount_due(
        &self,
        amount: Decimal,
        paid_on: NaiveDate,
        basis_date: NaiveDate,
    ) -> Decimal {
        let in_time = self
            .discount_due_date_from(basis_date)
            .is_some_and(|last_day| paid_on <= last_day);
        if !in_time {
            return amount;
        }
        self.discount_on(amount)
            .and_then(|discount| amount.checked_sub(discount))
            .unwrap_or(amount)
    }

    /// The terms in the words trading partners use: "NET 30", "2% 10 NET 30",
    /// "1.5% 15 NET 45", "NET 10 EOM", "2% 10 NET 30 EOM", "NET 15 PROX" (a day of the
    /// next month), "DUE 2026-12-31" (a fixed date), "2% BY 2026-12-10 DUE 2026-12-31",
    /// "7.75 OFF 10 NET 30" (a stated discount amount). Fixed dates win over days, as in
    /// the date rules. Terms that state none of these are described by the words they
    /// came with, if any.
    pub fn describe(&self) -> String {
        let eom = self.counts_from_end_of_month();
        let mut words: Vec<String> = Vec::new();
        // Whether the last words are a count the EOM suffix qualifies.
        let mut counted = false;

        if self.discount_offered() {
            let offer = match (self.discount_percent, self.discount_amount) {
                (Some(percent), _) => Some(format!("{}%", percent.normalize())),
                (None, Some(amount)) => Some(format!("{amount} OFF")),
                (None, None) => None,
            };
            if let Some(offer) = offer {
                words.push(offer);
                if let Some(date) = self.discount_due_date {
                    words.push(format!("BY {date}"));
                    counted = false;
                } else if let Some(days) = self.discount_days {
                    words.push(days.to_string());
                    counted = true;
                }
            }
        }

        if let Some(date) = self.net_due_date {
            words.push(format!("DUE {date}"));
            counted = false;
        } else if let Some(day) = self.day_of_month {
            words.push(format!("NET {day}"));
            // Without EOM a day of the next month is "proximo".
            if !eom {
                words.push("PROX".to_owned());
            }
            counted = true;
        } else if let Some(days) = self.net_days {
            words.push(format!("NET {days}"));
            counted = true;
        }

        if eom && counted {
            words.push("EOM".to_owned());
        }
        if words.is_empty() {
            return self.description.clone().unwrap_or_default();
        }
        words.join(" ")
    }
}

/// The last day of `date`'s month.
fn end_of_month(date: NaiveDate) -> Option<NaiveDate> {
    date.with_day(u32::from(date.num_days_in_month()))
}

/// `day` of the month after `date`'s, clamped to that month's last day; `None` for day 0
/// (no such day to clamp to) or past the calendar's end.
fn day_of_following_month(date: NaiveDate, day: u32) -> Option<NaiveDate> {
    if day == 0 {
        return None;
    }
    let next_month = date.with_day(1)?.checked_add_months(Months::new(1))?;
    let last = u32::from(next_month.num_days_in_month());
    next_month.with_day(day.min(last))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("a real date in the test")
    }

    fn dec(s: &str) -> Decimal {
        s.parse().expect("a decimal in the test")
    }

    fn eom(net_days: u32) -> Terms {
        Terms {
            kind: TermsKind::EndOfMonth,
            net_days: Some(net_days),
            ..Terms::default()
        }
    }

    fn due_on_day(day: u32) -> Terms {
        Terms {
            day_of_month: Some(day),
            ..Terms::default()
        }
    }

    #[test]
    fn net_30_counts_from_the_basis_date() {
        let terms = Terms::net(30);
        assert_eq!(
            terms.net_due_date_from(date(2026, 11, 26)),
            Some(date(2026, 12, 26))
        );
        assert_eq!(terms.discount_due_date_from(date(2026, 11, 26)), None);
        assert_eq!(terms.discount_on(dec("100.00")), None);
    }

    #[test]
    fn two_ten_net_thirty_known_answer() {
        let terms = Terms::discount(dec("2"), 10, 30);
        let invoiced = date(2026, 1, 31);
        assert_eq!(terms.discount_on(dec("387.53")), Some(dec("7.75")));
        assert_eq!(
            terms.discount_due_date_from(invoiced),
            Some(date(2026, 2, 10))
        );
        assert_eq!(terms.net_due_date_from(invoiced), Some(date(2026, 3, 2)));
    }

    #[test]
    fn leap_years_have_a_29th_of_february() {
        assert_eq!(
            Terms::net(30).net_due_date_from(date(2028, 1, 30)),
            Some(date(2028, 2, 29))
        );
        assert_eq!(
            Terms::net(1).net_due_date_from(date(2028, 2, 28)),
            Some(date(2028, 2, 29))
        );
        assert_eq!(
            Terms::net(30).net_due_date_from(date(2026, 1, 30)),
            Some(date(2026, 3, 1))
        );
        // Century rule: 2100 is not a leap year.
        assert_eq!(
            Terms::net(1).net_due_date_from(date(2100, 2, 28)),
            Some(date(2100, 3, 1))
        );
    }

    #[test]
    fn eom_days_count_from_the_end_of_the_basis_month() {
        assert_eq!(
            eom(10).net_due_date_from(date(2026, 1, 15)),
            Some(date(2026, 2, 10))
        );
        assert_eq!(
            eom(10).net_due_date_from(date(2026, 1, 1)),
            Some(date(2026, 2, 10))
        );
        assert_eq!(
            eom(10).net_due_date_from(date(2026, 1, 31)),
            Some(date(2026, 2, 10))
        );
        assert_eq!(
            eom(30).net_due_date_from(date(2026, 1, 5)),
            Some(date(2026, 3, 2))
        );
        assert_eq!(
            eom(30).net_due_date_from(date(2028, 1, 5)),
            Some(date(2028, 3, 1))
        );
        assert_eq!(
            eom(10).net_due_date_from(date(2028, 2, 10)),
            Some(date(2028, 3, 10))
        );
        assert_eq!(
            eom(10).net_due_date_from(date(2026, 12, 3)),
            Some(date(2027, 1, 10))
        );
    }

    #[test]
    fn eom_discount_is_counted_from_the_end_of_the_month_too() {
        let terms = Terms {
            kind: TermsKind::EndOfMonth,
            ..Terms::discount(dec("2"), 10, 30)
        };
        let invoiced = date(2026, 4, 12);
        assert_eq!(
            terms.discount_due_date_from(invoiced),
            Some(date(2026, 5, 10))
        );
        assert_eq!(terms.net_due_date_from(invoiced), Some(date(2026, 5, 30)));
    }

    #[test]
    fn day_of_month_is_that_day_of_the_following_month() {
        assert_eq!(
            due_on_day(10).net_due_date_from(date(2026, 1, 15)),
            Some(date(2026, 2, 10))
        );
        assert_eq!(
            due_on_day(15).net_due_date_from(date(2026, 12, 3)),
            Some(date(2027, 1, 15))
        );
        // With EOM terms too: ITD01 02 with ITD13 10 is "NET 10 EOM".
        let eom_tenth = Terms {
            kind: TermsKind::EndOfMonth,
            ..due_on_day(10)
        };
        assert_eq!(
            eom_tenth.net_due_date_from(date(2026, 1, 31)),
            Some(date(2026, 2, 10))
        );
    }

    #[test]
    fn day_of_month_past_the_month_end_is_its_last_day() {
        assert_eq!(
            due_on_day(31).net_due_date_from(date(2026, 1, 15)),
            Some(date(2026, 2, 28))
        );
        assert_eq!(
            due_on_day(30).net_due_date_from(date(2028, 1, 31)),
            Some(date(2028, 2, 29))
        );
        assert_eq!(
            due_on_day(31).net_due_date_from(date(2026, 3, 31)),
            Some(date(2026, 4, 30))
        );
        assert_eq!(
            due_on_day(99).net_due_date_from(date(2026, 6, 1)),
            Some(date(2026, 7, 31))
        );
        assert_eq!(due_on_day(0).net_due_date_from(date(2026, 6, 1)), None);
    }

    #[test]
    fn day_of_month_wins_over_net_days() {
        let terms = Terms {
            net_days: Some(45),
            ..due_on_day(10)
        };
        assert_eq!(
            terms.net_due_date_from(date(2026, 1, 15)),
            Some(date(2026, 2, 10))
        );
    }

    #[test]
    fn fixed_dates_win_over_days() {
        let terms = Terms {
            kind: TermsKind::FixedDate,
            discount_due_date: Some(date(2026, 12, 10)),
            net_due_date: Some(date(2026, 12, 31)),
            day_of_month: Some(5),
            ..Terms::discount(dec("2"), 10, 30)
        };
        let invoiced = date(2026, 1, 1);
        assert_eq!(terms.net_due_date_from(invoiced), Some(date(2026, 12, 31)));
        assert_eq!(
            terms.discount_due_date_from(invoiced),
            Some(date(2026, 12, 10))
        );
    }

    #[test]
    fn terms_without_days_or_dates_have_no_due_date() {
        let terms = Terms::default();
        assert_eq!(terms.net_due_date_from(date(2026, 1, 1)), None);
        assert_eq!(terms.discount_due_date_from(date(2026, 1, 1)), None);
        let eom_alone = Terms {
            kind: TermsKind::EndOfMonth,
            ..Terms::default()
        };
        assert_eq!(eom_alone.net_due_date_from(date(2026, 1, 1)), None);
    }

    #[test]
    fn dates_past_the_calendar_are_none_not_a_panic() {
        assert_eq!(Terms::net(u32::MAX).net_due_date_from(NaiveDate::MAX), None);
        assert_eq!(eom(1).net_due_date_from(NaiveDate::MAX), None);
        assert_eq!(due_on_day(1).net_due_date_from(NaiveDate::MAX), None);
        assert_eq!(
            Terms::discount(dec("2"), u32::MAX, 0).discount_due_date_from(NaiveDate::MAX),
            None
        );
    }

    #[test]
    fn discount_rounds_half_away_from_zero() {
        let one_percent = Terms::discount(dec("1"), 10, 30);
        // Banker's rounding would give 0.00, 0.02 and -0.00.
        assert_eq!(one_percent.discount_on(dec("0.50")), Some(dec("0.01")));
        assert_eq!(one_percent.discount_on(dec("2.50")), Some(dec("0.03")));
        assert_eq!(one_percent.discount_on(dec("-0.50")), Some(dec("-0.01")));
        assert_eq!(one_percent.discount_on(dec("0.49")), Some(dec("0.00")));
        let one_and_a_half = Terms::discount(dec("1.5"), 15, 45);
        assert_eq!(one_and_a_half.discount_on(dec("1000")), Some(dec("15.00")));
        assert_eq!(one_and_a_half.discount_on(dec("33.33")), Some(dec("0.50")));
    }

    #[test]
    fn stated_discount_amount_wins_over_the_percent() {
        let terms = Terms {
            discount_amount: Some(dec("7.76")),
            ..Terms::discount(dec("2"), 10, 30)
        };
        assert_eq!(terms.discount_on(dec("387.53")), Some(dec("7.76")));
    }

    #[test]
    fn discount_not_applicable_offers_none() {
        let terms = Terms {
            kind: TermsKind::DiscountNotApplicable,
            ..Terms::discount(dec("2"), 10, 30)
        };
        let invoiced = date(2026, 1, 31);
        assert_eq!(terms.discount_on(dec("387.53")), None);
        assert_eq!(terms.discount_due_date_from(invoiced), None);
        assert_eq!(
            terms.amount_due(dec("387.53"), invoiced, invoiced),
            dec("387.53")
        );
        assert_eq!(terms.net_due_date_from(invoiced), Some(date(2026, 3, 2)));
        assert_eq!(terms.describe(), "NET 30");
    }

    #[test]
    fn overflowing_discount_is_none_not_a_panic() {
        let terms = Terms::discount(dec("200"), 10, 30);
        assert_eq!(terms.discount_on(Decimal::MAX), None);
        assert_eq!(
            terms.amount_due(Decimal::MAX, date(2026, 1, 1), date(2026, 1, 1)),
            Decimal::MAX
        );
    }

    #[test]
    fn amount_due_takes_the_discount_through_its_last_day_only() {
        let terms = Terms::discount(dec("2"), 10, 30);
        let invoiced = date(2026, 1, 31);
        let amount = dec("387.53");
        assert_eq!(
            terms.amount_due(amount, date(2026, 2, 1), invoiced),
            dec("379.78")
        );
        assert_eq!(
            terms.amount_due(amount, date(2026, 2, 10), invoiced),
            dec("379.78")
        );
        assert_eq!(
            terms.amount_due(amount, date(2026, 2, 11), invoiced),
            amount
        );
        assert_eq!(
            Terms::net(30).amount_due(amount, invoiced, invoiced),
            amount
        );
        // A discount with no period stated cannot be earned.
        let no_period = Terms {
            discount_percent: Some(dec("2")),
            net_days: Some(30),
            ..Terms::default()
        };
        assert_eq!(no_period.amount_due(amount, invoiced, invoiced), amount);
    }

    #[test]
    fn describe_in_trading_partner_words() {
        assert_eq!(Terms::net(30).describe(), "NET 30");
        assert_eq!(Terms::discount(dec("2"), 10, 30).describe(), "2% 10 NET 30");
        assert_eq!(
            Terms::discount(dec("2.00"), 10, 30).describe(),
            "2% 10 NET 30"
        );
        assert_eq!(
            Terms::discount(dec("1.5"), 15, 45).describe(),
            "1.5% 15 NET 45"
        );
        assert_eq!(eom(10).describe(), "NET 10 EOM");
        assert_eq!(
            Terms {
                kind: TermsKind::EndOfMonth,
                ..Terms::discount(dec("2"), 10, 30)
            }
            .describe(),
            "2% 10 NET 30 EOM"
        );
        assert_eq!(due_on_day(15).describe(), "NET 15 PROX");
        assert_eq!(
            Terms {
                kind: TermsKind::EndOfMonth,
                ..due_on_day(10)
            }
            .describe(),
            "NET 10 EOM"
        );
        let fixed = Terms {
            kind: TermsKind::FixedDate,
            net_due_date: Some(date(2026, 12, 31)),
            ..Terms::default()
        };
        assert_eq!(fixed.describe(), "DUE 2026-12-31");
        assert_eq!(
            Terms {
                discount_percent: Some(dec("2")),
                discount_due_date: Some(date(2026, 12, 10)),
                ..fixed.clone()
            }
            .describe(),
            "2% BY 2026-12-10 DUE 2026-12-31"
        );
        assert_eq!(
            Terms {
                discount_amount: Some(dec("7.75")),
                discount_days: Some(10),
                net_days: Some(30),
                ..Terms::default()
            }
            .describe(),
            "7.75 OFF 10 NET 30"
        );
    }

    #[test]
    fn describe_falls_back_to_the_words_sent() {
        let terms = Terms {
            kind: TermsKind::Other("ZZ".to_owned()),
            description: Some("PAY ON RECEIPT".to_owned()),
            ..Terms::default()
        };
        assert_eq!(terms.describe(), "PAY ON RECEIPT");
        assert_eq!(Terms::default().describe(), "");
    }

    fn any_date() -> impl Strategy<Value = NaiveDate> {
        (1990i32..2200, 1u32..=366).prop_filter_map("a day of that year", |(year, ordinal)| {
            NaiveDate::from_yo_opt(year, ordinal)
        })
    }

    proptest! {
        #[test]
        fn net_days_are_calendar_days_after_the_basis(basis in any_date(), days in 0u32..4000) {
            let due = Terms::net(days).net_due_date_from(basis);
            prop_assert_eq!(due.map(|d| (d - basis).num_days()), Some(i64::from(days)));
        }

        #[test]
        fn eom_due_dates_are_days_after_the_month_end(basis in any_date(), days in 0u32..400) {
            let due = eom(days).net_due_date_from(basis);
            let due = due.expect("within the calendar");
            let end = end_of_month(basis).expect("within the calendar");
            prop_assert_eq!((due - end).num_days(), i64::from(days));
            prop_assert_eq!(end.month(), basis.month());
            prop_assert_ne!(end.succ_opt().map(|d| d.month()), Some(basis.month()));
        }

        #[test]
        fn day_of_month_lands_in_the_next_month(basis in any_date(), day in 1u32..=40) {
            let due = due_on_day(day).net_due_date_from(basis).expect("within the calendar");
            let months_later = (due.year() - basis.year()) * 12
                + due.month() as i32 - basis.month() as i32;
            prop_assert_eq!(months_later, 1);
            let month_end = due.succ_opt().is_some_and(|next| next.month() != due.month());
            prop_assert!(due.day() == day || (due.day() < day && month_end));
        }

        #[test]
        fn amount_due_never_exceeds_the_amount(cents in 0i64..100_000_000, percent_tenths in 0i64..1000) {
            let amount = Decimal::new(cents, 2);
            let terms = Terms::discount(Decimal::new(percent_tenths, 1), 10, 30);
            let basis = NaiveDate::from_ymd_opt(2026, 1, 1).expect("a real date");
            let early = terms.amount_due(amount, basis, basis);
            prop_assert!(early <= amount && early >= Decimal::ZERO);
            prop_assert_eq!(early.scale() <= 2, true);
            let late = basis + Days::new(11);
            prop_assert_eq!(terms.amount_due(amount, late, basis), amount);
        }
    }
}
