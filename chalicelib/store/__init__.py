"""PynamoDB over one DynamoDB table: entities, keys, repositories, the unit of work.

Nothing above this package touches boto3 or PynamoDB; AWS errors become domain errors here.
"""
