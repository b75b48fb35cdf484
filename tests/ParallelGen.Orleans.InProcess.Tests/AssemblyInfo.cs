// One in-process cluster for the whole assembly; its collections run one after another.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
