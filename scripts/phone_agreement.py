#!/usr/bin/env python3
"""Agreement of layer-risk's strict E.164 check with libphonenumber.

Compares, number by number, three verdicts on a corpus of E.164 strings:

  python  phonenumbers.is_valid_number(phonenumbers.parse(n))  (libphonenumber's
          Python port: the reference; a parse error counts as invalid)
  crate   phonenumber::is_valid(&phonenumber::parse(None, n))  (Rust crate 0.3.10)
  ours    layer_risk::validate::phone::check(n)

and also against "python canonical" = python valid AND
format_number(parse(n), E164) == n. `check` is deliberately strict: a string is only
valid if it *is* the E.164 form of a valid number, while libphonenumber's parser
strips a national prefix written after the country code (+44 0 20... -> +44 20...).

Disagreements between ours and python are classified:
  national-prefix   python valid only after stripping a national prefix (not canonical)
  metadata-differs  python's metadata (newer) has a different pattern / possible
                    lengths / leading digits for a region of that calling code than
                    the crate's metadata (needs METADATA.tsv)
  unexplained       anything else (should be empty)

Usage
-----
1. Produce the corpus and the Rust verdicts (release: the crate needs ~1 ms/number):

     PHONE_AGREEMENT_DIR=/tmp/phone cargo test --release --lib \\
         dump_agreement_corpus -- --ignored

   This writes /tmp/phone/numbers.txt (one E.164 string a line: metadata example
   numbers of every region and type with random last digits, truncated/extended
   variants, national prefix inserted, random digit strings), verdicts.txt (one line
   per number: "<crate>\\t<ours>\\t<crate_read_as>", crate in valid|invalid|error,
   ours in valid:<REGION>|invalid|unknown_cc|not_e164, crate_read_as = the E.164 the
   crate's parser turned the string into) and metadata.tsv (the crate's patterns).

2. pip install phonenumbers
   python3 scripts/phone_agreement.py /tmp/phone/numbers.txt /tmp/phone/verdicts.txt \\
       [/tmp/phone/metadata.tsv]

3. Optional, to_e164 on human-typed forms: after step 1,
     python3 scripts/phone_agreement.py --make-typed /tmp/phone
   writes /tmp/phone/typed.tsv ("<country>\t<typed>": NATIONAL and INTERNATIONAL
   formats of python-canonical valid numbers in their own region, and the
   out-of-country format dialled from the US, e.g. "011 44 20 7946 0958") and
   typed_expected.txt; run step 1 again (it answers typed.tsv into typed_ours.txt),
   then
     python3 scripts/phone_agreement.py --typed /tmp/phone

Prints agreement rates, confusion counts, region agreement and examples of every
disagreement class. Exit status 1 if ours agrees with python canonical less often
than the crate does, or if there are unexplained disagreements.
"""

import collections
import re
import sys

import phonenumbers
from phonenumbers import PhoneMetadata, PhoneNumberFormat

TYPES = ("premium_rate", "toll_free", "shared_cost", "voip", "personal_number",
         "pager", "uan", "voicemail", "fixed_line", "mobile")


def python_verdict(n):
    """(valid, canonical, region, type) according to libphonenumber."""
    try:
        p = phonenumbers.parse(n)
    except phonenumbers.NumberParseException:
        return False, False, None, None
    valid = phonenumbers.is_valid_number(p)
    canonical = valid and phonenumbers.format_number(p, PhoneNumberFormat.E164) == n
    region = phonenumbers.region_code_for_number(p) if valid else None
    kind = phonenumbers.number_type(p) if valid else None
    return valid, canonical, region, kind


def python_metadata(region, code):
    if region == "001":
        return PhoneMetadata.metadata_for_nongeo_region(int(code))
    return PhoneMetadata.metadata_for_region(region)


def strip_ws(s):
    return re.sub(r"\s+", "", s or "")


def load_crate_metadata(path):
    """code -> {"order": [regions], "leading": {region: pat}, "desc": {(region, type): (lengths, pat)}}"""
    meta = collections.defaultdict(lambda: {"order": [], "leading": {}, "desc": {}})
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if parts[0] == "order":
                meta[parts[1]]["order"] = parts[2].split(",")
            elif parts[0] == "leading":
                meta[parts[1]]["leading"][parts[2]] = parts[3]
            elif parts[0] == "desc":
                code, region, kind, lengths, pattern = parts[1:6]
                lengths = tuple(int(x) for x in lengths.split(",") if x)
                meta[parts[1]]["desc"][(region, kind)] = (lengths, pattern)
    return meta


def metadata_differences(code, crate_meta):
    """Human-readable list of differences between the crate's and python's metadata
    for every region of calling code `code` (a string)."""
    diffs = []
    entry = crate_meta.get(code)
    if entry is None:
        return ["code unknown to the crate"]
    py_regions = list(phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(int(code), ()))
    if py_regions != entry["order"]:
        diffs.append("regions %s vs %s" % (entry["order"], py_regions))
    for region in entry["order"]:
        md = python_metadata(region, code)
        if md is None:
            diffs.append("%s missing in python" % region)
            continue
        if strip_ws(md.leading_digits) != entry["leading"].get(region, ""):
            diffs.append("%s leading_digits" % region)
        for kind in ("general",) + TYPES:
            py_desc = md.general_desc if kind == "general" else getattr(md, kind)
            py_pat = strip_ws(py_desc.national_number_pattern) if py_desc else ""
            py_len = tuple(x for x in (py_desc.possible_length if py_desc else ()) if x > 0)
            crate = entry["desc"].get((region, kind))
            crate_pat = crate[1] if crate else ""
            crate_len = crate[0] if crate else ()
            if py_pat != crate_pat:
                diffs.append("%s %s pattern" % (region, kind))
            elif kind != "general" and crate_len and py_len and crate_len != py_len:
                diffs.append("%s %s lengths %s vs %s" % (region, kind, crate_len, py_len))
    return diffs


def pct(a, b):
    return "%6.3f%%" % (100.0 * a / b if b else 0.0)


def make_typed(directory, limit=6000):
    import random
    rng = random.Random(7)
    rows = []
    with open(directory + "/numbers.txt", encoding="utf-8") as f:
        for n in (line.strip() for line in f):
            valid, canonical, region, _ = python_verdict(n)
            if not canonical or region in (None, "001"):
                continue
            p = phonenumbers.parse(n)
            rows.append((region, phonenumbers.format_number(p, PhoneNumberFormat.NATIONAL), n))
            rows.append((region, phonenumbers.format_number(p, PhoneNumberFormat.INTERNATIONAL), n))
            rows.append(("US", phonenumbers.format_out_of_country_calling_number(p, "US"), n))
    rng.shuffle(rows)
    rows = rows[:limit]
    with open(directory + "/typed.tsv", "w", encoding="utf-8") as f:
        f.writelines("%s\t%s\n" % (r, s) for r, s, _ in rows)
    with open(directory + "/typed_expected.txt", "w", encoding="utf-8") as f:
        f.writelines("%s\n" % e for _, _, e in rows)
    print("wrote %d typed numbers" % len(rows))
    return 0


def compare_typed(directory):
    with open(directory + "/typed.tsv", encoding="utf-8") as f:
        typed = [line.rstrip("\n").split("\t", 1) for line in f]
    with open(directory + "/typed_expected.txt", encoding="utf-8") as f:
        expected = [line.rstrip("\n") for line in f]
    with open(directory + "/typed_ours.txt", encoding="utf-8") as f:
        ours = [line.rstrip("\n") for line in f]
    ok = sum(e == o for e, o in zip(expected, ours))
    print("to_e164 == python E.164: %d of %d (%s)" % (ok, len(expected), pct(ok, len(expected))))
    for (country, raw), e, o in zip(typed, expected, ours):
        if e != o:
            print("  %s %r -> ours %r, python %r" % (country, raw, o or None, e))
    return 0 if ok == len(expected) else 1


def main(argv):
    if len(argv) == 3 and argv[1] == "--make-typed":
        return make_typed(argv[2])
    if len(argv) == 3 and argv[1] == "--typed":
        return compare_typed(argv[2])
    if len(argv) not in (3, 4):
        print(__doc__)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        numbers = [line.rstrip("\n") for line in f if line.strip()]
    with open(argv[2], encoding="utf-8") as f:
        verdicts = [line.rstrip("\n").split("\t") for line in f if line.strip()]
    if len(numbers) != len(verdicts):
        print("numbers (%d) and verdicts (%d) differ in length" % (len(numbers), len(verdicts)))
        return 2
    crate_meta = load_crate_metadata(argv[3]) if len(argv) == 4 else None

    total = len(numbers)
    agree = collections.Counter()
    confusion = collections.Counter()
    classes = collections.defaultdict(list)
    crate_classes = collections.defaultdict(list)
    metadata_codes = collections.Counter()
    diff_cache = {}
    region_pairs = region_agree = 0
    py_valid_count = 0

    for n, (crate, ours, *rest) in zip(numbers, verdicts):
        crate_read_as = rest[0] if rest else ""
        py_valid, py_canon, py_region, py_type = python_verdict(n)
        py_valid_count += py_valid
        crate_valid = crate == "valid"
        ours_valid = ours.startswith("valid:")
        ours_region = ours.split(":", 1)[1] if ours_valid else None
        agree["ours~python"] += ours_valid == py_valid
        agree["crate~python"] += crate_valid == py_valid
        agree["ours~python_canonical"] += ours_valid == py_canon
        agree["crate~python_canonical"] += crate_valid == py_canon
        agree["ours~crate"] += ours_valid == crate_valid
        confusion[(py_valid, crate_valid, ours_valid)] += 1
        if ours_valid and py_valid:
            region_pairs += 1
            region_agree += ours_region == py_region

        if crate_valid != py_valid:
            rewrote = crate_read_as not in ("", n)
            why = "crate rewrote the number (national prefix, issue 76)" if rewrote \
                else "same digits (full vs prefix match, issue 31)"
            if crate_valid and not ours_valid and not py_valid:
                crate_classes["crate valid, python+ours invalid: " + why].append(n)
            elif py_valid and ours_valid and not crate_valid:
                crate_classes["crate invalid, python+ours valid: " + why].append(n)
            else:
                crate_classes["crate differs, ours differs too"].append(n)

        if ours_valid == py_valid:
            continue
        if py_valid and not py_canon and not ours_valid:
            classes["national-prefix"].append(n)
            continue
        code = None
        try:
            code = str(phonenumbers.parse(n).country_code)
        except phonenumbers.NumberParseException:
            pass
        if crate_meta is not None and code is not None:
            if code not in diff_cache:
                diff_cache[code] = metadata_differences(code, crate_meta)
            if diff_cache[code]:
                classes["metadata-differs"].append(n)
                metadata_codes[code] += 1
                continue
        classes["unexplained"].append(n)

    print("phonenumbers (python) %s, corpus %d numbers, python-valid %d (%s)"
          % (phonenumbers.__version__, total, py_valid_count, pct(py_valid_count, total)))
    print()
    print("agreement (valid/invalid):")
    for key in ("ours~python", "crate~python", "ours~python_canonical",
                "crate~python_canonical", "ours~crate"):
        print("  %-24s %s  (%d disagreements)" % (key, pct(agree[key], total), total - agree[key]))
    print("  region of valid numbers, ours~python: %s of %d" % (pct(region_agree, region_pairs), region_pairs))
    print()
    print("confusion (python, crate, ours) -> count:")
    for key in sorted(confusion):
        print("  %-22s %d" % ("".join("V" if v else "-" for v in key), confusion[key]))
    print()
    print("crate vs python:")
    for name, items in sorted(crate_classes.items()):
        print("  %-85s %5d\n      e.g. %s" % (name, len(items), " ".join(items[:6])))
    print()
    print("ours vs python:")
    for name in ("national-prefix", "metadata-differs", "unexplained"):
        items = classes.get(name, [])
        print("  %-18s %5d  e.g. %s" % (name, len(items), " ".join(items[:8])))
    if metadata_codes:
        print()
        print("metadata differences behind ours-vs-python disagreements (by calling code):")
        for code, count in metadata_codes.most_common():
            print("  +%-4s %4d  %s" % (code, count, "; ".join(diff_cache[code][:6])))
    for n in classes.get("unexplained", [])[:20]:
        print("  unexplained:", n, python_verdict(n))

    # check() is strict by design (see above): compare on python's canonical verdict.
    worse = agree["ours~python_canonical"] < agree["crate~python_canonical"]
    return 1 if worse or classes.get("unexplained") else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
