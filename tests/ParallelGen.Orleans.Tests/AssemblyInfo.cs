// Every cluster test class makes its cluster the default one (ClusterTarget.Default) for a while, and the contract
// suite uses the default: the collections run one after another.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
