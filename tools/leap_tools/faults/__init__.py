"""The fault-injection run (issue 15): a known workload on a throw-away platform while random faults hit it,
then its final state compared with the same workload run undisturbed. ``python -m leap_tools.faults --help``.

Modules: ``workload`` (files, providers, replacement, withdrawal; posting through outages), ``nemesis`` (the
faults, from a seed), ``infra`` (the shared Kafka and PostgreSQL, always given back), ``processes`` (services
that can be SIGKILLed and started at any moment), ``final_state`` (what is compared), ``run`` (one run),
``__main__`` (reference run, faulted run, report)."""
