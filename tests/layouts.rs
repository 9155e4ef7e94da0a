//! `show` layouts column for column against the reference layouts and the
//! real outputs in tests/fixtures/corpus/show-outputs.

mod common;
use common::*;

use std::path::PathBuf;

/// A file of the show-output corpus the repository carries (tests/fixtures/corpus).
fn corpus(name: &str) -> String {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus/show-outputs").join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The column where each header word starts.
fn columns(header: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut prev_space = true;
    for (i, c) in header.char_indices() {
        if !c.is_whitespace() && prev_space {
            out.push((i, header[i..].split("  ").next().unwrap_or("").trim().to_string()));
        }
        prev_space = c == ' ' && header[..i].ends_with(' ') || c == ' ' && header[i + 1..].starts_with(' ');
    }
    out
}

/// A reference line (from the reference layouts) must appear verbatim in our output.
fn reference_block(start: &str, lines: usize) -> Vec<String> {
    let text = corpus("reference-layouts.md");
    let at = text.find(start).unwrap_or_else(|| panic!("{start} not in reference"));
    text[at..].lines().take(lines).map(str::to_string).collect()
}

#[test]
fn headers_match_the_reference_layouts() {
    let (_, mut net) = boot(&read("tests/labs/vlans.ron"));
    let t = transcript(
        &mut net,
        &format!(
            "{}@S1\nshow mac address-table\nshow spanning-tree\n@R1\nshow ip route\n",
            read("tests/labs/vlans.script")
        ),
    );
    for (block, n) in [
        ("Interface              IP-Address      OK? Method Status                Protocol", 1),
        ("VLAN Name                             Status    Ports\n---- -------------------------------- --------- -------------------------------", 2),
        ("Vlan    Mac Address       Type        Ports\n----    -----------       --------    -----", 2),
        ("Interface           Role Sts Cost      Prio.Nbr Type\n------------------- ---- --- --------- -------- --------------------------------", 2),
        ("Port        Mode             Encapsulation  Status        Native vlan", 1),
        ("Codes: L - local, C - connected, S - static, R - RIP, M - mobile, B - BGP", 9),
    ] {
        let reference = reference_block(block.lines().next().unwrap(), n).join("\n");
        assert!(t.contains(&reference), "reference block not in our output:\n{reference}\n---\n{t}");
    }
}

#[test]
fn rows_line_up_with_the_corpus_columns() {
    let brief = corpus("ntc-templates__cisco_ios_show_ip_interface_brief.raw.txt");
    let (_, mut net) = boot(&read("tests/labs/vlans.ron"));
    let t = transcript(&mut net, &format!("{}@S1\nshow cdp neighbors\nshow vlan\n", read("tests/labs/vlans.script")));
    // `show ip interface brief`: the corpus (IOS 12) pads the name to 27; IOS 15
    // and the reference use 23. Every other column keeps the corpus's widths.
    let theirs = columns(brief.lines().next().unwrap());
    let ours_line = t.lines().find(|l| l.starts_with("Interface              IP-Address")).unwrap();
    let ours = columns(ours_line);
    let shift = theirs[1].0 - ours[1].0;
    assert_eq!(shift, 4);
    for (a, b) in theirs.iter().zip(&ours).skip(1) {
        assert_eq!((a.0 - shift, &a.1), (b.0, &b.1), "column {}", a.1);
    }
    // `show cdp neighbors`: the same header, column for column.
    let cdp = corpus("ntc-templates__cisco_ios_show_cdp_neighbors.raw.txt");
    let header = cdp.lines().find(|l| l.starts_with("Device ID")).unwrap();
    assert!(t.contains(header), "{header}\n{t}");
    // `show vlan`: the header and the VLAN type table are the corpus's.
    let vlan = corpus("ntc-templates__cisco_ios_show_vlan.raw.txt");
    for line in [
        "VLAN Type  SAID       MTU   Parent RingNo BridgeNo Stp  BrdgMode Trans1 Trans2",
        "1002 fddi  101002     1500  -      -      -        -    -        0      0   ",
        "1003 tr    101003     1500  -      -      -        -    srb      0      0   ",
    ] {
        assert!(vlan.contains(line) && t.contains(line), "{line}");
    }
}

#[test]
fn etherchannel_summary_matches_the_reference_line_for_line() {
    let lab = read("tests/labs/pair.ron")
        .replace("(\"S1:Gi0/1\", \"S2:Gi0/1\")", "(\"S1:Fa0/23\", \"S2:Fa0/23\")")
        .replace("(\"S1:Gi0/2\", \"S2:Gi0/2\")", "(\"S1:Fa0/24\", \"S2:Fa0/24\")");
    let (_, mut net) = boot(&lab);
    let t = transcript(
        &mut net,
        "@S1\nen\nconf t\nint range fa0/23 - 24\nchannel-group 1 mode active\nend\n@S2\nen\nconf t\nint range fa0/23 - 24\nchannel-group 1 mode active\nend\n@wait 5\n@S1\nshow etherchannel summary\n",
    );
    let ours: Vec<&str> = section(&t, "S1#show etherchannel summary").lines().skip(1).collect();
    let reference = reference_block("Flags:  D - down", 17);
    assert_eq!(ours.len(), reference.len(), "{t}");
    for (o, r) in ours.iter().zip(&reference) {
        assert_eq!(o.trim_end(), r.trim_end());
    }
}
