export * from './roles';
export * from './agencies/agency.entity';
