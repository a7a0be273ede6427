"""The syscall table of each architecture, as the compiler uses it: the
syscalls crate's table (numbers up to the newest kernel it was generated
from), less the entries the kernel defines only for other ABIs, plus what
the kernel defines and the crate lacks or spells differently
(arch_private_gen.py). Where both name one number, the kernel's name is the
one a number is shown as; every name, aliases included, finds its number."""


def merge(crate_map, private, foreign):
    """(by_number, by_name) for one architecture.

    crate_map: {name: number} from the crate; private: [(number, name, why)]
    the kernel defines and the crate lacks; foreign: [(number, name, why)]
    crate entries that are not syscalls of this architecture."""
    not_native = {(nr, name) for nr, name, _ in foreign}
    crate_entries = sorted((nr, name) for name, nr in crate_map.items() if (nr, name) not in not_native)
    kernel_entries = sorted((nr, name) for nr, name, _ in private)
    by_name = sorted({(name, nr) for nr, name in crate_entries + kernel_entries})
    names = [name for name, _ in by_name]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise SystemExit(f"names with two numbers: {', '.join(twice)}")
    kernel_numbers = {nr for nr, _ in kernel_entries}
    by_number = {}
    # Sorted by (number, name): the first name of a number is kept, the
    # kernel's when it names the number.
    for nr, name in sorted(kernel_entries + [e for e in crate_entries if e[0] not in kernel_numbers]):
        by_number.setdefault(nr, name)
    return sorted(by_number.items()), by_name
