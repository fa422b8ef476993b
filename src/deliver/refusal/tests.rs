//! The classifier over replies as real servers word them (Gmail, Outlook and
//! Office 365, Yahoo, Postfix, Exim), as lettre reports them ("permanent error
//! (550): …", lines joined) or bare.

use super::{Cause, classify, is_bounce, same_refusal_key};

fn check(cases: &[(&str, Cause)]) {
    for (reply, cause) in cases {
        assert_eq!(classify(reply), *cause, "{reply}");
    }
}

#[test]
fn a_bad_mailbox_is_a_bounce() {
    check(&[
        (
            "permanent error (550): 5.1.1 The email account that you tried to reach does not exist. Please try 5.1.1 double-checking the recipient's email address for typos or 5.1.1 unnecessary spaces. For more information, go to 5.1.1  https://support.google.com/mail/?p=NoSuchUser d2si1234567qkb.12 - gsmtp",
            Cause::Mailbox,
        ),
        (
            "550-5.1.1 The email account that you tried to reach does not exist. Please try\r\n550-5.1.1 double-checking the recipient's email address for typos or\r\n550 5.1.1 https://support.google.com/mail/?p=NoSuchUser a1si2 - gsmtp",
            Cause::Mailbox,
        ),
        (
            "552-5.2.2 The email account that you tried to reach is over quota. Please direct 552 5.2.2 the recipient to https://support.google.com/mail/?p=OverQuotaPerm",
            Cause::Mailbox,
        ),
        // Outlook.com and Office 365 name an unknown recipient with 5.5.0 and 5.4.1.
        (
            "550 5.5.0 Requested action not taken: mailbox unavailable (S2017) [DB5EUR03FT012.eop-EUR03.prod.protection.outlook.com]",
            Cause::Mailbox,
        ),
        (
            "550 5.4.1 Recipient address rejected: Access denied. AS(201806281) [BN1NAM02FT003.eop-nam02.prod.protection.outlook.com]",
            Cause::Mailbox,
        ),
        (
            "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup",
            Cause::Mailbox,
        ),
        (
            "permanent error (550): 5.1.1 <nobody@example.org>: Recipient address rejected: User unknown in local recipient table",
            Cause::Mailbox,
        ),
        (
            "550 5.2.1 The email account that you tried to reach is disabled.",
            Cause::Mailbox,
        ),
        // Exim and Yahoo without enhanced codes: the wording tells.
        ("550 Unrouteable address", Cause::Mailbox),
        ("550 No Such User Here", Cause::Mailbox),
        (
            "554 delivery error: dd This user doesn't have a yahoo.com account (someone@yahoo.com) [0] - mta1018.mail.gq1.yahoo.com",
            Cause::Mailbox,
        ),
        ("556 5.1.10 Recipient address has null MX", Cause::Mailbox),
    ]);
}

#[test]
fn a_refusal_of_our_mail_is_never_a_bounce() {
    check(&[
        (
            "550-5.7.1 [203.0.113.5      12] Our system has detected that this message is 550-5.7.1 likely unsolicited mail. To reduce the amount of spam sent to Gmail, 550-5.7.1 this message has been blocked. 550 5.7.1 https://support.google.com/mail/?p=UnsolicitedMessageError x1si3 - gsmtp",
            Cause::Policy,
        ),
        (
            "550-5.7.26 This mail has been blocked because the sender is unauthenticated. Gmail requires all senders to authenticate with either SPF or DKIM.",
            Cause::Policy,
        ),
        (
            "550 5.7.1 Unfortunately, messages from [203.0.113.5] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3150). You can also refer your provider to http://mail.live.com/mail/troubleshooting.aspx#errors. [AM5EUR03FT033.eop-EUR03.prod.protection.outlook.com]",
            Cause::Policy,
        ),
        // A policy refusal that names the recipient is still a policy refusal.
        (
            "554 5.7.1 <reader@example.org>: Recipient address rejected: Access denied",
            Cause::Policy,
        ),
        (
            "554 5.7.1 Service unavailable; Client host [203.0.113.5] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/203.0.113.5",
            Cause::Policy,
        ),
        (
            "554 5.7.1 <reader@example.org>: Relay access denied",
            Cause::Policy,
        ),
        (
            "553 5.7.2 [TSS09] All messages from 203.0.113.5 will be permanently deferred; Retrying will NOT succeed. See https://postmaster.yahooinc.com/error-codes",
            Cause::Policy,
        ),
        // Exim's failed sender verification mentions an unrouteable address: ours.
        (
            "550-Verification failed for <review@news.example> 550-Unrouteable address 550 Sender verify failed",
            Cause::Policy,
        ),
        ("550 Administrative prohibition", Cause::Policy),
        (
            "550 rejected because 203.0.113.5 is in a black list at zen.spamhaus.org",
            Cause::Policy,
        ),
        (
            "554 5.6.211 Invalid MIME Content: Single text value size (32784) exceeded allowed maximum (32768) for the 'X-Foo' header.",
            Cause::Content,
        ),
        ("552 5.3.4 Message size exceeds fixed limit", Cause::Content),
        ("552 Message size exceeds maximum permitted", Cause::Content),
        ("554 5.6.0 content rejected", Cause::Content),
        ("554 5.3.0 mail system full", Cause::System),
        ("550 5.4.4 Unable to route", Cause::System),
        ("554 5.5.1 Error: no valid recipients", Cause::Protocol),
        ("500 5.5.2 Error: bad syntax", Cause::Protocol),
        // A bare 550 that says nothing more is not taken as the mailbox's fault.
        ("550 Requested action not taken", Cause::Other),
    ]);
}

#[test]
fn temporary_failures_have_causes_too() {
    check(&[
        (
            "transient error (421): 4.7.0 [203.0.113.5] Our system has detected an unusual rate of unsolicited mail",
            Cause::Policy,
        ),
        (
            "451 4.7.500 Server busy. Please try again later from [203.0.113.5]. (S77719)",
            Cause::Policy,
        ),
        (
            "450 4.2.0 <reader@example.org>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.org.html",
            Cause::Policy,
        ),
        ("451 4.2.1 mailbox busy, try later", Cause::Mailbox),
        (
            "transient error (421): 4.3.2 too busy, come back later",
            Cause::System,
        ),
        (
            "451 Temporary local problem - please try later",
            Cause::System,
        ),
        (
            "network error: Connection refused (os error 111)",
            Cause::Connection,
        ),
        ("127.0.0.1:2525: connection timed out", Cause::Connection),
        ("no answer within 6s", Cause::Connection),
        (
            "permanent error (535): 5.7.8 Error: authentication failed",
            Cause::Policy,
        ),
        ("535 Incorrect authentication data", Cause::Connection),
    ]);
}

#[test]
fn only_the_mailbox_is_a_bounce_and_refusals_group_without_their_details() {
    assert!(is_bounce("550 5.1.1 no such user"));
    assert!(!is_bounce("550 5.7.1 message refused"));
    // The same refusal to two recipients, worded with their addresses and queue ids.
    let a = "permanent error (550): 5.7.1 <a@readers.example>: refused (id 1f2e)";
    let b = "permanent error (550): 5.7.1 <b@readers.example>: refused (id 9c0d)";
    assert_eq!(same_refusal_key(a), same_refusal_key(b));
    assert_ne!(
        same_refusal_key(a),
        same_refusal_key("permanent error (554): 5.6.0 content rejected")
    );
    for cause in [
        Cause::Mailbox,
        Cause::Policy,
        Cause::Connection,
        Cause::Other,
    ] {
        assert_eq!(Cause::parse(cause.as_str()), cause);
    }
}
