// Regression corpus: a genetic algorithm that evaluates and breeds its population in parallel.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;

namespace Corpus.GeneticAlgorithm;

public sealed class Genome
{
    private readonly List<double> _genes;

    // Keeps the caller's list (a copy was meant): see the known limit in Breed below.
    public Genome(List<double> genes) => _genes = genes;

    public Genome Copy() => new Genome(_genes);

    public List<double> Genes() => _genes;

    public double Fitness { get; set; }
}

public sealed class Evolution
{
    private readonly Random _random = new();
    private readonly Func<IReadOnlyList<double>, double> _fitness;
    private int _evaluations;

    public Evolution(Func<IReadOnlyList<double>, double> fitness) => _fitness = fitness;

    /// <summary>Correct: each iteration writes the fitness of its own genome, counted with a local sum.</summary>
    public int Evaluate(Genome[] population)
    {
        Parallel.For(0, population.Length, i => population[i].Fitness = _fitness(population[i].Genes()));
        return population.AsParallel().Count(g => g.Fitness > 0);
    }

    /// <summary>The bug upstream fixed: one Random for every mutation, and a counter without Interlocked.</summary>
    public Genome[] Mutate(Genome[] population, double rate)
    {
        var next = new Genome[population.Length];
        Parallel.For(0, population.Length, i =>
        {
            var genes = new List<double>(population[i].Genes());
            for (int g = 0; g < genes.Count; g++)
            {
                if (_random.NextDouble() < rate)   // expect: PG0001
                {
                    genes[g] += NextGaussian(Random.Shared);
                }
            }

            next[i] = new Genome(genes);
            _evaluations++;   // expect: PG0003
        });
        return next;
    }

    /// <summary>Correct: a Random per child, seeded from the child's index and the generation.</summary>
    public Genome[] Crossover(Genome[] parents, int generation)
    {
        var children = new Genome[parents.Length];
        Parallel.For(0, parents.Length, i =>
        {
            var random = new Random(HashCode.Combine(generation, i));
            List<double> a = parents[random.Next(parents.Length)].Genes();
            List<double> b = parents[random.Next(parents.Length)].Genes();
            int cut = random.Next(a.Count);
            children[i] = new Genome(a.Take(cut).Concat(b.Skip(cut)).ToList());
        });
        return children;
    }

    /// <summary>
    /// Known limit (docs/rules/PG0004.md): Copy() keeps the parent's list, so every iteration writes into one
    /// List through list[i] = v. The list comes from a call, which the analyzers do not follow: not reported.
    /// </summary>
    public void Breed(Genome parent, int children)
    {
        Parallel.For(0, children, i =>
        {
            Genome child = parent.Copy();
            List<double> genes = child.Genes();
            genes[i % genes.Count] = genes[i % genes.Count] * 1.01;
        });
    }

    private static double NextGaussian(Random random)
    {
        double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
