global using ParallelGen.Generator.Model;
